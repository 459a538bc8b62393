#pragma once
// Placeholder workbench window until the GUI issue lands: shows one live
// estimate so the binary's GUI path is exercised.
#include <QMainWindow>

namespace llmdse {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace llmdse
