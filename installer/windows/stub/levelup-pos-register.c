/* A stand-in for the bundle's windowed levelup-pos-register.exe (tests/installer): a GUI
 * subprogram that sleeps until it is ended. Build: x86_64-w64-mingw32-gcc -mwindows */
#include <windows.h>

int WINAPI WinMain(HINSTANCE instance, HINSTANCE previous, LPSTR command, int show) {
    (void)instance;
    (void)previous;
    (void)command;
    (void)show;
    Sleep(INFINITE);
    return 0;
}
