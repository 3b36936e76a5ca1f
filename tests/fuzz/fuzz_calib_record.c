/*
 * Fuzz the check of a calibration record read back from storage: any bytes may come back
 * from flash; an accepted record must apply to thresholds within its buffers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tinyml/calib.h>
#include <tinyml/crc32.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tinyml_calib_record rec;
	int16_t base[TINYML_CALIB_MAX_CLASSES] = {0};
	int16_t out[TINYML_CALIB_MAX_CLASSES];
	int fix_crc;

	if (size < 1u) {
		return 0;
	}
	/* Half the inputs get a valid CRC, so the checks behind it are reached too. */
	fix_crc = data[0] & 1u;
	memset(&rec, 0, sizeof(rec));
	memcpy(&rec, data + 1, size - 1u < sizeof(rec) ? size - 1u : sizeof(rec));
	if (fix_crc) {
		rec.crc32 = tinyml_crc32(0u, &rec, offsetof(struct tinyml_calib_record, crc32));
	}
	if (tinyml_calib_record_check(&rec) != 0) {
		return 0;
	}
	if (rec.n_classes == 0u || rec.n_classes > TINYML_CALIB_MAX_CLASSES) {
		__builtin_trap();
	}
	if (tinyml_calib_apply(&rec, base, out, rec.n_classes) != 0) {
		__builtin_trap();
	}
	return 0;
}
