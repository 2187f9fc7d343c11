/* Holds a file the way an antivirus scan or Explorer's preview does: opened with no sharing, so
 * that nobody else may open, replace or remove it, for the given milliseconds. Prints "held"
 * once it has the file. Only the Wine runs of the CLI's tests use it (tests/windows_fs.rs).
 * Usage: hold-file PATH MILLISECONDS */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: hold-file PATH MILLISECONDS\n");
        return 2;
    }
    HANDLE file = CreateFileW(argv[1], GENERIC_READ, 0, NULL, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "cannot open the file: error %lu\n", GetLastError());
        return 1;
    }
    printf("held\n");
    fflush(stdout);
    Sleep((DWORD)_wtoi(argv[2]));
    CloseHandle(file);
    return 0;
}
