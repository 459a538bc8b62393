#pragma once
// Writing a report: the same HTML document either as an .html file (images
// embedded as data URLs) or as a paged A4 .pdf (QTextDocument on QPdfWriter).
// Every report kind (design, comparison, sweep) builds its HTML with these, so
// they read alike: a first page with the inputs, the headline figures and the
// main chart; sections that start on a new page; tables whose header row
// repeats on every page they run over.
#include <QImage>
#include <QString>

class QAbstractItemModel;

namespace llmdse {

// The text width of a report page in CSS pixels (96 per inch; A4 less 15 mm margins): images and
// charts are sized in them, in the PDF (the layout scales them to its resolution) as in a browser.
constexpr int kReportTextWidthPx = 680;

// Writes .html or .pdf by the extension; throws InputError naming the file.
void writeReportFile(const QString& path, const QString& title, const QString& html);

QString reportHead(const QString& title);          // <html>...<body> with the shared style
// <img> with the PNG embedded; `fraction` of the text width (1: the whole width).
QString reportImage(const QImage& img, double fraction = 1.0);
QString reportRow(const QString& key, const QString& value);
// A section heading; `newPage` starts it on a new page in the PDF.
QString reportSection(const QString& title, bool newPage = false);
// The model's cells as an HTML table (display role) with its header in <thead>, which the PDF
// repeats on every page; the vertical header becomes the first column when the model has one.
// At most `maxRows` rows.
QString reportTable(const QAbstractItemModel& m, int maxRows = 1000);
// Two blocks side by side (the first page's inputs beside its figures).
QString reportColumns(const QString& left, const QString& right);

} // namespace llmdse
