#include "ui/ReportFile.h"
#include "core/Errors.h"

#include <QAbstractItemModel>
#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QFile>
#include <QFont>
#include <QFontMetricsF>
#include <QMarginsF>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextTable>

namespace llmdse {

namespace {
// The PDF's page: A4, 15 mm margins, a footer line with the page number below the text.
constexpr double kMarginMm = 15;
static_assert(kReportTextWidthPx == int((210 - 2 * kMarginMm) / 25.4 * 96), "A4 less the margins");

// A heading is never the last thing on its page: one that its next block does not follow on the
// same page, or with less than `room` below it, starts the next page. Headings are fixed in order,
// each after the layout of those before it.
void keepHeadingsWithNext(QTextDocument& doc, double pageHeight, double room)
{
    QAbstractTextDocumentLayout* layout = doc.documentLayout();
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
        if (b.blockFormat().headingLevel() == 0 || b.text().trimmed().isEmpty()) continue;
        if (QTextCursor(b).currentTable()) continue; // side-by-side columns: the table keeps its rows whole
        const QRectF h = layout->blockBoundingRect(b);
        const int page = int(h.top() / pageHeight);
        QTextBlock n = b.next();
        while (n.isValid() && n.text().trimmed().isEmpty() && n.length() <= 1) n = n.next(); // empty blocks around tables
        const bool parted = n.isValid() && int(layout->blockBoundingRect(n).top() / pageHeight) != page;
        if (page == 0 && h.top() < 1) continue; // already at the top of the document
        if (!parted && h.bottom() + room <= (page + 1) * pageHeight) continue;
        QTextCursor c(b);
        QTextBlockFormat f = b.blockFormat();
        f.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
        c.setBlockFormat(f);
    }
    // A heading that starts a page needs no space above it.
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next())
        if (b.blockFormat().headingLevel() > 0 && (b.blockFormat().pageBreakPolicy() & QTextFormat::PageBreak_AlwaysBefore)) {
            QTextCursor c(b);
            QTextBlockFormat f = b.blockFormat();
            f.setTopMargin(0);
            c.setBlockFormat(f);
        }
}
} // namespace

QString reportHead(const QString& title)
{
    return "<html><head><meta charset=\"utf-8\"><title>" + title.toHtmlEscaped() +
           "</title><style>body{font-family:sans-serif;font-size:10pt} h1{font-size:17pt;margin-bottom:2px} "
           "h2{font-size:13pt;margin-top:14px;margin-bottom:4px} h3{font-size:11pt;margin-bottom:2px} "
           "td,th{padding:2px 6px;border-bottom:1px solid #ddd} th{background:#eef1f6;text-align:left} "
           "table{border-collapse:collapse} .src{color:#555;font-size:8pt} .num{text-align:right} "
           ".bad{color:#b00020;font-weight:bold} td.t,th.t{font-size:7pt;padding:1px 3px}</style></head><body>";
}

QString reportImage(const QImage& img, double fraction)
{
    QByteArray png;
    QBuffer buf(&png);
    buf.open(QIODevice::WriteOnly);
    img.save(&buf, "PNG");
    const int w = int(kReportTextWidthPx * fraction);
    const int h = img.width() > 0 ? img.height() * w / img.width() : 0;
    // A paragraph of its own: a bare <img> would join the heading before it, and the heading could
    // not be kept with it (nor the image be told apart from the heading's text).
    return QString("<p align=\"center\"><img width=\"%1\" height=\"%2\" src=\"data:image/png;base64,%3\"/></p>")
        .arg(w)
        .arg(h)
        .arg(QString::fromLatin1(png.toBase64()));
}

QString reportRow(const QString& key, const QString& value)
{
    return QString("<tr><td>%1</td><td align=\"right\">%2</td></tr>").arg(key, value);
}

QString reportSection(const QString& title, bool newPage)
{
    return QString("<h2%1>%2</h2>").arg(newPage ? " style=\"page-break-before: always\"" : "", title.toHtmlEscaped());
}

QString reportColumns(const QString& left, const QString& right)
{
    return "<table width=\"100%\" style=\"border:none\"><tr><td width=\"50%\" valign=\"top\" style=\"border:none\">" + left +
           "</td><td width=\"50%\" valign=\"top\" style=\"border:none\">" + right + "</td></tr></table>";
}

QString reportTable(const QAbstractItemModel& m, int maxRows)
{
    const bool rowNames = m.rowCount() > 0 && !m.headerData(0, Qt::Vertical).toString().isEmpty() &&
                          m.headerData(0, Qt::Vertical).toString() != "1";
    QString h = "<table width=\"100%\"><thead><tr>";
    // Small type: an operator table has ten columns and the page 14 cm of text width.
    if (rowNames) h += "<th class=\"t\"></th>";
    for (int c = 0; c < m.columnCount(); ++c) h += "<th class=\"t\">" + m.headerData(c, Qt::Horizontal).toString().toHtmlEscaped() + "</th>";
    h += "</tr></thead>";
    const int rows = std::min(m.rowCount(), maxRows);
    for (int r = 0; r < rows; ++r) {
        h += "<tr>";
        if (rowNames) h += "<td class=\"t\">" + m.headerData(r, Qt::Vertical).toString().toHtmlEscaped() + "</td>";
        for (int c = 0; c < m.columnCount(); ++c) {
            const QModelIndex i = m.index(r, c);
            const bool right = m.data(i, Qt::TextAlignmentRole).toInt() & Qt::AlignRight;
            const bool bold = m.data(i, Qt::FontRole).value<QFont>().bold();
            QString text = m.data(i).toString().toHtmlEscaped();
            if (bold) text = "<b>" + text + "</b>";
            h += QString("<td class=\"t\"%1>%2</td>").arg(right ? " align=\"right\"" : "", text);
        }
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
        pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                      QMarginsF(kMarginMm, kMarginMm, kMarginMm, kMarginMm), QPageLayout::Millimeter));
        pdf.setResolution(150);
        pdf.setTitle(title);
        pdf.setCreator("llmdse");
        // Laid out for the PDF itself (not QTextDocument::print, which adds its own 2 cm margins to
        // these): the page's text area less a footer line, so what is laid out is what is printed.
        QTextDocument doc;
        doc.documentLayout()->setPaintDevice(&pdf);
        doc.setDocumentMargin(0);
        doc.setHtml(html);
        QFont small = doc.defaultFont();
        small.setPointSizeF(7.5);
        const double footer = 2.2 * QFontMetricsF(small, &pdf).height();
        const QSizeF page(pdf.width(), pdf.height() - footer);
        doc.setPageSize(page);
        keepHeadingsWithNext(doc, page.height(), 6 * QFontMetricsF(doc.defaultFont(), &pdf).height());
        QPainter p(&pdf);
        const int pages = doc.pageCount();
        for (int i = 0; i < pages; ++i) {
            if (i > 0) pdf.newPage();
            p.save();
            p.translate(0, -i * page.height());
            doc.drawContents(&p, QRectF(QPointF(0, i * page.height()), page));
            p.restore();
            p.setFont(small);
            p.setPen(QColor("#666666"));
            p.drawText(QRectF(0, page.height(), page.width(), footer), Qt::AlignBottom | Qt::AlignLeft, title);
            p.drawText(QRectF(0, page.height(), page.width(), footer), Qt::AlignBottom | Qt::AlignRight,
                       QString("page %1 of %2").arg(i + 1).arg(pages));
        }
    }
    if (QFile(path).size() == 0) throw InputError(file, "", "cannot write the PDF");
}

} // namespace llmdse
