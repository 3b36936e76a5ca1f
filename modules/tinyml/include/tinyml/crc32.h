/*
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), the checksum of stored records.
 */
#ifndef TINYML_CRC32_H_
#define TINYML_CRC32_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Update a CRC-32 with @p len bytes.
 *
 * Start with @p crc = 0; pass the previous result to continue over split buffers.
 * tinyml_crc32(0, "123456789", 9) == 0xCBF43926.
 */
uint32_t tinyml_crc32(uint32_t crc, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_CRC32_H_ */
