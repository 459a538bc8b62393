#pragma once
// Writing a report: the same HTML document either as an .html file (images
// embedded as data URLs) or as a paged A4 .pdf (QTextDocument on QPdfWriter).
// Every report kind (design, comparison, sweep) builds its HTML with these.
#include <QImage>
#include <QString>

class QAbstractItemModel;

namespace llmdse {

// Writes .html or .pdf by the extension; throws InputError naming the file.
void writeReportFile(const QString& path, const QString& title, const QString& html);

QString reportHead(const QString& title);          // <html>...<body> with the shared style
QString reportImage(const QImage& img);             // <img> with the PNG embedded
QString reportRow(const QString& key, const QString& value);
// The model's cells as an HTML table (display role), at most `maxRows` rows.
QString reportTable(const QAbstractItemModel& m, int maxRows = 1000);

} // namespace llmdse
