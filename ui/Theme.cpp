#include "Theme.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPalette>
#include <QStringList>

namespace switchyard::ui::theme {

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    t = qBound(0.0, t, 1.0);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t),
                            float(a.alphaF() + (b.alphaF() - a.alphaF()) * t));
}

void makeMuted(QWidget *w)
{
    w->setForegroundRole(QPalette::PlaceholderText);
}

QFont scaledFont(const QFont &base, qreal factor, bool bold)
{
    QFont f = base;
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * factor);
    else if (f.pixelSize() > 0)
        f.setPixelSize(qRound(f.pixelSize() * factor));
    if (bold)
        f.setWeight(QFont::DemiBold);
    return f;
}

QFont fixedFont(const QFont &base)
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (base.pointSizeF() > 0)
        f.setPointSizeF(base.pointSizeF());
    else if (base.pixelSize() > 0)
        f.setPixelSize(base.pixelSize());
    return f;
}

QLabel *caption(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text.toUpper(), parent);
    QFont f = scaledFont(label->font(), 0.82, true);
    f.setLetterSpacing(QFont::PercentageSpacing, 106);
    label->setFont(f);
    makeMuted(label);
    return label;
}

QLabel *valueLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    // Top-aligned: a wrapped label may be given more height than its text needs.
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    return label;
}

QColor riskColor(const QString &level)
{
    const QString l = level.trimmed().toLower();
    if (l == QLatin1String("low"))
        return QColor(0x2e, 0x8b, 0x57);
    if (l == QLatin1String("medium"))
        return QColor(0xd9, 0x8e, 0x04);
    if (l == QLatin1String("high"))
        return QColor(0xd3, 0x54, 0x00);
    if (l == QLatin1String("critical"))
        return QColor(0xc0, 0x1c, 0x28);
    return {};
}

void styleChip(QLabel *chip, const QColor &background)
{
    // Relative luminance decides the text colour, so any chip stays legible.
    const qreal luminance = 0.2126 * background.redF() + 0.7152 * background.greenF()
                            + 0.0722 * background.blueF();
    const QString text = luminance > 0.55 ? QStringLiteral("#000000") : QStringLiteral("#ffffff");
    chip->setStyleSheet(QStringLiteral("QLabel { background-color: %1; color: %2;"
                                       " border-radius: 4px; padding: 1px 7px; }")
                            .arg(background.name(), text));
    QFont f = scaledFont(chip->font(), 0.9, true);
    chip->setFont(f);
    chip->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
}

QString bulletList(const QStringList &items, bool fixedPitch)
{
    if (items.isEmpty())
        return {};
    const QString family = QFontDatabase::systemFont(QFontDatabase::FixedFont).family();
    QString html = QStringLiteral("<table cellspacing=\"0\" cellpadding=\"0\">");
    for (const QString &item : items) {
        QString text = item.toHtmlEscaped();
        if (fixedPitch)
            text = QStringLiteral("<span style=\"font-family:'%1'\">%2</span>")
                       .arg(family.toHtmlEscaped(), text);
        html += QStringLiteral("<tr><td style=\"padding-right:6px\">\u2022</td><td>%1</td></tr>")
                    .arg(text);
    }
    html += QStringLiteral("</table>");
    return html;
}

} // namespace switchyard::ui::theme
