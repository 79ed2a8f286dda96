/* crc64.c -- CRC-64/XZ for the state file (check value of "123456789":
 * 0x995DC9BBDF1939FA). */
#include "mada_internal.h"

uint64_t mada_crc64(uint64_t crc, const void *p, size_t len)
{
    const uint64_t poly = 0xC96C5795D7870F42ull; /* ECMA-182, reflected */
    uint64_t table[256];
    for (unsigned i = 0; i < 256; i++) {
        uint64_t r = i;
        for (int k = 0; k < 8; k++)
            r = (r & 1) ? (r >> 1) ^ poly : r >> 1;
        table[i] = r;
    }
    const unsigned char *s = p;
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = table[(crc ^ s[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}
