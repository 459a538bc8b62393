// Replays files through a fuzz target without libFuzzer: the regression test of every input
// that ever crashed (fuzz/regressions/<target>/) and of the seed corpus, run by CTest with
// the normal compiler. Arguments: files or folders (read recursively); missing folders are skipped.
#include <QCoreApplication>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <cstdint>
#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int replayed = 0;
    auto replay = [&](const QString& path) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
            std::exit(1);
        }
        const QByteArray data = f.readAll();
        std::fprintf(stderr, "%s (%lld bytes)\n", qPrintable(path), static_cast<long long>(data.size()));
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.constData()), static_cast<std::size_t>(data.size()));
        ++replayed;
    };
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        const QFileInfo fi(arg);
        if (fi.isDir()) {
            QDirIterator it(arg, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) replay(it.next());
        } else if (fi.isFile()) {
            replay(arg);
        }
    }
    std::printf("replayed %d inputs without a finding\n", replayed);
    return 0;
}
