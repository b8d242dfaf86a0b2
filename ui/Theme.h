#pragma once
// Small helpers that keep the look consistent and palette-aware.
//
// Nothing here hard-codes a text or background colour: secondary text uses
// the palette's PlaceholderText role and surfaces use Base/Window, so a dark
// desktop theme (or a high-contrast one) renders correctly and a palette
// change at run time needs no code. The only fixed colours are the semantic
// ones (risk levels), chosen to read on light and dark backgrounds alike.

#include <QColor>
#include <QFont>
#include <QString>

class QLabel;
class QWidget;

namespace switchyard::ui::theme {

/// `a` blended towards `b` by `t` (0 = a, 1 = b). Lines and borders are
/// drawn as a blend of the text and background colours, so they keep their
/// contrast whether the palette is light or dark.
QColor mix(const QColor &a, const QColor &b, qreal t);

/// Draws `w`'s text in the palette's secondary colour.
void makeMuted(QWidget *w);
/// `base` scaled by `factor` (point or pixel size, whichever is set).
QFont scaledFont(const QFont &base, qreal factor, bool bold = false);
/// The system's fixed-pitch font at the size of `base`.
QFont fixedFont(const QFont &base);

/// A small, muted, upper-case caption ("GATES TO LEAVE").
QLabel *caption(const QString &text, QWidget *parent = nullptr);
/// A word-wrapped, plain-text value label that can be selected and copied.
QLabel *valueLabel(const QString &text = {}, QWidget *parent = nullptr);

/// Background for a risk level chip (low|medium|high|critical); invalid if unknown.
QColor riskColor(const QString &level);
/// A rounded chip showing `text` on `background` (white or black text, whichever reads).
void styleChip(QLabel *chip, const QColor &background);

/// Bullet list as rich text with a hanging indent, every item escaped.
/// `fixedPitch` shows the items in the fixed-pitch font (flag names, ids).
QString bulletList(const QStringList &items, bool fixedPitch = false);

} // namespace switchyard::ui::theme
