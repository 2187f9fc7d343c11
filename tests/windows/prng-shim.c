/* ProcessPrng for Wine 8, which lacks it: Rust's standard library asks bcryptprimitives.dll for
 * it on Windows 10 and later, where every system has it. Only the Wine runs of the tests load
 * this (it is put beside desk.exe there); nothing that ships carries it. */
#include <windows.h>
#include <ntsecapi.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk; len -= chunk;
    }
    return TRUE;
}
