#include "PlanErrorDialog.h"

#include "PlanFormat.h"
#include "Theme.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTextDocument>
#include <QVBoxLayout>

namespace switchyard::ui {

PlanErrorDialog::PlanErrorDialog(const PlanLoadOutcome &outcome, bool planKept, QWidget *parent)
    : QDialog(parent)
    , m_outcome(outcome)
{
    setObjectName(QStringLiteral("planErrorDialog"));
    const QString fileName = QFileInfo(outcome.path).fileName();
    setWindowTitle(QStringLiteral("Plan not loaded \u2014 Switchyard"));
    resize(720, 420);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 16, 18, 14);
    layout->setSpacing(8);

    // A grid rather than nested boxes: wrapped labels inside a box inside a box
    // get heights measured at the wrong width and leave gaps.
    auto *header = new QGridLayout;
    header->setHorizontalSpacing(14);
    header->setVerticalSpacing(2);
    auto *icon = new QLabel(this);
    const int iconSize = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical, nullptr, this).pixmap(iconSize));
    icon->setAlignment(Qt::AlignTop);
    header->addWidget(icon, 0, 0, 3, 1, Qt::AlignTop);
    auto *title = new QLabel(QStringLiteral("Could not load %1").arg(fileName.isEmpty() ? outcome.path : fileName), this);
    title->setObjectName(QStringLiteral("fileName"));
    title->setTextFormat(Qt::PlainText);
    title->setWordWrap(true);
    title->setFont(theme::scaledFont(font(), 1.25, true));
    header->addWidget(title, 0, 1);

    auto *path = theme::valueLabel(outcome.path, this);
    path->setObjectName(QStringLiteral("filePath"));
    // A path has no word boundaries to wrap at; a wrapping label would only
    // reserve height for lines it never uses.
    path->setWordWrap(false);
    path->setToolTip(outcome.path);
    theme::makeMuted(path);
    header->addWidget(path, 1, 1);

    const int count = outcome.result.errors.size();
    QString summary = count == 1 ? QStringLiteral("1 problem found.")
                                 : QStringLiteral("%1 problems found.").arg(count);
    if (planKept)
        summary += QStringLiteral(" The plan on screen is unchanged.");
    summary += QStringLiteral(" Correct the problem, then press F5 to try again.");
    auto *summaryLabel = theme::valueLabel(summary, this);
    summaryLabel->setObjectName(QStringLiteral("summary"));
    summaryLabel->setContentsMargins(0, 8, 0, 0);
    header->addWidget(summaryLabel, 2, 1);
    header->setColumnStretch(1, 1);
    layout->addLayout(header);
    layout->addSpacing(4);

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("errors"));
    m_list->setWordWrap(true);
    m_list->setAlternatingRowColors(true);
    m_list->setTextElideMode(Qt::ElideNone);
    for (const core::PlanError &error : outcome.result.errors) {
        auto *item = new QListWidgetItem(format::errorLine(error), m_list);
        item->setToolTip(error.toString());
    }
    layout->addWidget(m_list, 1);

    m_excerptCaption = theme::caption(QStringLiteral("In the file"), this);
    layout->addWidget(m_excerptCaption);
    m_excerpt = new QPlainTextEdit(this);
    m_excerpt->setObjectName(QStringLiteral("excerpt"));
    m_excerpt->setReadOnly(true);
    m_excerpt->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_excerpt->setFont(theme::fixedFont(font()));
    // Two lines (the text and the caret), plus room for a horizontal scroll
    // bar when the line is long.
    m_excerpt->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    const int lineHeight = QFontMetrics(m_excerpt->font()).lineSpacing();
    const int margins = 2 * int(m_excerpt->document()->documentMargin()) + 2 * m_excerpt->frameWidth();
    m_excerpt->setFixedHeight(2 * lineHeight + margins
                              + style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this) + 4);
    layout->addWidget(m_excerpt);
    // Without any excerpt (a missing file, an error about the whole file) the
    // box would only ever be empty: leave it out.
    const bool anyExcerpt = !outcome.errorLines.isEmpty();
    m_excerptCaption->setVisible(anyExcerpt);
    m_excerpt->setVisible(anyExcerpt);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *copy = buttons->addButton(QStringLiteral("Copy Errors"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyErrors"));
    copy->setToolTip(QStringLiteral("Copy all errors as file:line:column: error: message"));
    connect(copy, &QPushButton::clicked, this, &PlanErrorDialog::copyErrors);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    buttons->button(QDialogButtonBox::Close)->setDefault(true);

    connect(m_list, &QListWidget::currentRowChanged, this, &PlanErrorDialog::showExcerpt);
    if (count > 0)
        m_list->setCurrentRow(0);
}

int PlanErrorDialog::errorCount() const
{
    return m_list->count();
}

QString PlanErrorDialog::errorText(int row) const
{
    const QListWidgetItem *item = m_list->item(row);
    return item ? item->text() : QString();
}

void PlanErrorDialog::selectError(int row)
{
    m_list->setCurrentRow(row);
}

QString PlanErrorDialog::excerpt() const
{
    return m_excerpt->toPlainText();
}

QString PlanErrorDialog::excerptFor(const core::PlanError &error, const QHash<int, QString> &lines)
{
    const int line = error.where.line;
    const auto it = lines.constFind(line);
    if (line <= 0 || it == lines.constEnd())
        return {};
    // Tabs become single spaces so the caret lines up with the column (the
    // loader counts a tab as one column).
    QString text = it.value();
    text.replace(QLatin1Char('\t'), QLatin1Char(' '));
    const QString number = QString::number(line);
    QString excerpt = QStringLiteral(" %1 | %2").arg(number, text);
    if (error.where.column > 0) {
        const int caretAt = qMin(error.where.column - 1, int(text.size()));
        excerpt += QLatin1Char('\n') + QString(number.size() + 2, QLatin1Char(' '))
                   + QStringLiteral("| ") + QString(caretAt, QLatin1Char(' ')) + QLatin1Char('^');
    }
    return excerpt;
}

void PlanErrorDialog::showExcerpt(int row)
{
    if (row < 0 || row >= m_outcome.result.errors.size()) {
        m_excerpt->clear();
        return;
    }
    const QString text = excerptFor(m_outcome.result.errors[row], m_outcome.errorLines);
    m_excerpt->setPlainText(text.isEmpty() ? QStringLiteral("(no line of the file for this error)")
                                           : text);
}

void PlanErrorDialog::copyErrors()
{
    QStringList lines;
    for (const core::PlanError &error : m_outcome.result.errors)
        lines << error.toString();
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')) + QLatin1Char('\n'));
}

} // namespace switchyard::ui
