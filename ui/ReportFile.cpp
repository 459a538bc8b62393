#include "ui/ReportFile.h"
#include "core/Errors.h"

#include <QAbstractItemModel>
#include <QBuffer>
#include <QFile>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>

namespace llmdse {

QString reportHead(const QString& title)
{
    return "<html><head><meta charset=\"utf-8\"><title>" + title.toHtmlEscaped() +
           "</title><style>body{font-family:sans-serif} td,th{padding:2px 8px;border-bottom:1px solid #ddd} "
           "table{border-collapse:collapse} .src{color:#555;font-size:small}</style></head><body>";
}

QString reportImage(const QImage& img)
{
    QByteArray png;
    QBuffer buf(&png);
    buf.open(QIODevice::WriteOnly);
    img.save(&buf, "PNG");
    return QString("<img width=\"640\" src=\"data:image/png;base64,%1\"/>").arg(QString::fromLatin1(png.toBase64()));
}

QString reportRow(const QString& key, const QString& value)
{
    return QString("<tr><td>%1</td><td align=\"right\">%2</td></tr>").arg(key, value);
}

QString reportTable(const QAbstractItemModel& m, int maxRows)
{
    QString h = "<table><tr><th></th>";
    for (int c = 0; c < m.columnCount(); ++c)
        h += "<th>" + m.headerData(c, Qt::Horizontal).toString().toHtmlEscaped() + "</th>";
    h += "</tr>";
    const int rows = std::min(m.rowCount(), maxRows);
    for (int r = 0; r < rows; ++r) {
        h += "<tr><td>" + m.headerData(r, Qt::Vertical).toString().toHtmlEscaped() + "</td>";
        for (int c = 0; c < m.columnCount(); ++c)
            h += "<td align=\"right\">" + m.data(m.index(r, c)).toString().toHtmlEscaped() + "</td>";
        h += "</tr>";
    }
    h += "</table>";
    if (m.rowCount() > rows)
        h += QString("<p class=\"src\">first %L1 of %L2 rows; export the data as CSV for all of them</p>").arg(rows).arg(m.rowCount());
    return h;
}

void writeReportFile(const QString& path, const QString& title, const QString& html)
{
    const std::string file = path.toStdString();
    if (path.endsWith(".html", Qt::CaseInsensitive) || path.endsWith(".htm", Qt::CaseInsensitive)) {
        QSaveFile f(path); // all or nothing: an existing report is replaced only once the new one is complete
        if (!f.open(QIODevice::WriteOnly)) throw InputError(file, "", "cannot write: " + f.errorString().toStdString());
        f.write(html.toUtf8());
        if (!f.commit()) throw InputError(file, "", "cannot write: " + f.errorString().toStdString());
        return;
    }
    if (!path.endsWith(".pdf", Qt::CaseInsensitive)) throw InputError(file, "--out", "expected a .html or .pdf file");
    {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setResolution(150);
        pdf.setTitle(title);
        QTextDocument doc;
        doc.setHtml(html);
        doc.print(&pdf);
    }
    if (QFile(path).size() == 0) throw InputError(file, "", "cannot write the PDF");
}

} // namespace llmdse
