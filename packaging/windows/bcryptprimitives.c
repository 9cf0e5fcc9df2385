/*
 * bcryptprimitives.dll for testing under Wine 8 only; never shipped.
 *
 * Go 1.22 and later get their random numbers from ProcessPrng in bcryptprimitives.dll,
 * which every Windows 10 and 11 has and Wine 8 lacks, so a Go program dies at start-up
 * under Wine 8. scripts/windows-check.sh builds this file with mingw-w64 into the
 * throw-away Wine prefix (WINEDLLOVERRIDES=bcryptprimitives=n) so the Windows build can be
 * run there. RtlGenRandom (advapi32's SystemFunction036) is Windows' own generator.
 */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
