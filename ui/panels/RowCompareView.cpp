#include "panels/RowCompareView.h"

#include "Theme.h"

#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <set>

namespace switchyard::ui {

using namespace switchyard::core;

namespace {

// nullopt when the text is not a JSON object (a missing row is "null").
std::optional<QJsonObject> image(const QString &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    if (!doc.isObject())
        return std::nullopt;
    return doc.object();
}

std::optional<QString> valueOf(const QJsonValue &v)
{
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (v.isString())
        return v.toString();
    // Canonical images hold strings; anything else is shown as JSON.
    return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("v"), v}}).toJson(QJsonDocument::Compact))
        .mid(5)
        .chopped(1);
}

} // namespace

QList<RowCompareView::Line> RowCompareView::compare(const QString &sourceJson, const QString &targetJson,
                                                    bool *sourceMissing, bool *targetMissing)
{
    const std::optional<QJsonObject> s = image(sourceJson);
    const std::optional<QJsonObject> t = image(targetJson);
    if (sourceMissing)
        *sourceMissing = !s;
    if (targetMissing)
        *targetMissing = !t;
    std::set<QString> names;
    for (const std::optional<QJsonObject> &o : {s, t}) {
        if (o) {
            for (auto it = o->begin(); it != o->end(); ++it)
                names.insert(it.key());
        }
    }
    QList<Line> lines;
    for (const QString &name : names) {
        Line line;
        line.column = name;
        if (s)
            line.source = valueOf(s->value(name));
        if (t)
            line.target = valueOf(t->value(name));
        // A side without the row differs everywhere; otherwise compare the
        // canonical texts (NULL equals only NULL).
        line.differs = !s || !t || !s->contains(name) || !t->contains(name) || line.source != line.target;
        lines << line;
    }
    return lines;
}

RowCompareView::RowCompareView(QWidget *parent)
    : QWidget(parent)
{
    m_summary = theme::valueLabel();
    m_summary->setTextFormat(Qt::RichText);
    m_model = new QStandardItemModel(0, 3, this);
    m_model->setHorizontalHeaderLabels({tr("Column"), tr("Source (MySQL)"), tr("Target (PostgreSQL)")});
    m_view = new QTableView;
    m_view->setModel(m_model);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Interactive);
    m_view->horizontalHeader()->setSectionResizeMode(SourceColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(TargetColumn, QHeaderView::Stretch);
    m_view->setWordWrap(false);
    m_view->setAccessibleName(tr("Source and target row"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    clear();
}

QColor RowCompareView::highlightColor() const
{
    // A warm tint of the base colour: readable on light and dark palettes.
    return theme::mix(palette().color(QPalette::Base), QColor(0xe5, 0x8a, 0x00), 0.35);
}

void RowCompareView::clear()
{
    m_model->removeRows(0, m_model->rowCount());
    m_summary->setText(tr("Select a mismatch to compare its source and target rows."));
}

void RowCompareView::setMismatch(const MismatchRecord &m)
{
    m_model->removeRows(0, m_model->rowCount());
    bool sourceMissing = false, targetMissing = false;
    const QList<Line> lines = compare(m.sourceRowJson, m.targetRowJson, &sourceMissing, &targetMissing);
    const QColor highlight = highlightColor();
    QFont bold = font();
    bold.setBold(true);
    QFont italic = font();
    italic.setItalic(true);
    const QFont fixed = theme::fixedFont(font());
    int differing = 0;
    for (const Line &line : lines) {
        QList<QStandardItem *> row;
        row << new QStandardItem(line.column);
        const bool missing[2] = {sourceMissing, targetMissing};
        const std::optional<QString> *values[2] = {&line.source, &line.target};
        for (int side = 0; side < 2; ++side) {
            auto *item = new QStandardItem;
            if (missing[side]) {
                item->setText(tr("(no row)"));
                item->setFont(italic);
            } else if (!*values[side]) {
                item->setText(QStringLiteral("NULL"));
                item->setFont(italic);
            } else {
                item->setText(**values[side]);
                item->setFont(fixed);
                item->setToolTip(**values[side]);
            }
            row << item;
        }
        row.first()->setData(line.column, ColumnRole);
        for (QStandardItem *item : row) {
            item->setData(line.differs, DiffersRole);
            if (line.differs) {
                item->setBackground(highlight);
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
        }
        if (line.differs) {
            ++differing;
            row.first()->setText(QStringLiteral("≠ ") + line.column);
            row.first()->setData(line.column, Qt::AccessibleTextRole);
        }
        m_model->appendRow(row);
    }
    m_view->resizeColumnToContents(NameColumn);
    QString where;
    if (sourceMissing)
        where = tr("missing in the source (the target has a row the source does not)");
    else if (targetMissing)
        where = tr("missing in the target");
    else
        where = tr("%n differing column(s)", nullptr, differing);
    m_summary->setText(tr("<b>%1</b> key %2 · %3 · status %4")
                           .arg(m.tableName.toHtmlEscaped(), m.keyJson.toHtmlEscaped(), where.toHtmlEscaped(),
                                storeName(m.status).replace(QLatin1Char('_'), QLatin1Char(' '))));
}

} // namespace switchyard::ui
