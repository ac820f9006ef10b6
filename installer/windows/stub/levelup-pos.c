/* A stand-in for the bundle's levelup-pos.exe, for running the installers under Wine in CI
 * (tests/installer/test_windows_wine.py). Build: x86_64-w64-mingw32-gcc -DVERSION="\"0.1.0\""
 *
 *   levelup-pos --version                         prints "levelup-pos VERSION"
 *   levelup-pos config show [--data-dir DIR]      prints DIR\provisioning.toml
 *   levelup-pos journal pending [--data-dir DIR]  exits 4 when DIR\pending.flag exists, 1
 *                                                 when DIR\journal-broken.flag does, else 0
 *
 * DIR defaults to %LEVELUP_POS_HOME%, then C:\ProgramData\LevelUp POS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#ifndef VERSION
#define VERSION "0.0.0"
#endif

static const char *data_dir(int argc, char **argv) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--data-dir") == 0)
            return argv[i + 1];
    const char *home = getenv("LEVELUP_POS_HOME");
    return home && *home ? home : "C:\\ProgramData\\LevelUp POS";
}

static int exists(const char *dir, const char *name) {
    char path[MAX_PATH * 2];
    snprintf(path, sizeof path, "%s\\%s", dir, name);
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("levelup-pos " VERSION "\n");
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "config") == 0 && strcmp(argv[2], "show") == 0) {
        char path[MAX_PATH * 2];
        snprintf(path, sizeof path, "%s\\provisioning.toml", data_dir(argc, argv));
        FILE *file = fopen(path, "rb");
        if (!file) {
            printf("provisioning: none (%s)\n", path);
            return 0;
        }
        char buffer[4096];
        size_t n;
        while ((n = fread(buffer, 1, sizeof buffer, file)) > 0)
            fwrite(buffer, 1, n, stdout);
        fclose(file);
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "journal") == 0 && strcmp(argv[2], "pending") == 0) {
        const char *dir = data_dir(argc, argv);
        if (exists(dir, "journal-broken.flag")) {
            fprintf(stderr, "levelup-pos journal: cannot open the journal (stand-in).\n");
            return 1;
        }
        if (exists(dir, "pending.flag")) {
            printf("levelup-pos journal: 1 payment is not finished (stand-in).\n");
            return 4;
        }
        printf("levelup-pos journal: nothing pending.\n");
        return 0;
    }
    fprintf(stderr, "levelup-pos stand-in: unknown command\n");
    return 2;
}
