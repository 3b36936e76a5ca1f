/*
 * Zephyr port: a readable view of a model slot for the interpreter. In place where the slot is
 * memory-mapped (internal XIP flash, or the flash simulator's RAM on emulated boards), else a
 * copy in a static buffer.
 */
#include <errno.h>
#include <string.h>

#include <zephyr/devicetree.h>
#include <zephyr/kernel.h>
#include <zephyr/storage/flash_map.h>

#include <tinyml/zephyr/areas.h>

#define SLOT_A DT_NODELABEL(model_slot_a)
#define SLOT_B DT_NODELABEL(model_slot_b)

#define SLOT_IS_SIM_FLASH(node)                                                                    \
	DT_NODE_HAS_COMPAT(DT_MTD_FROM_FIXED_PARTITION(node), zephyr_sim_flash)

#if defined(CONFIG_TINYML_MODEL_XIP) && SLOT_IS_SIM_FLASH(SLOT_A)
#include <zephyr/drivers/flash/flash_simulator.h>

static const uint8_t *slot_base(const struct device *dev, uint32_t fa_off, size_t len)
{
	size_t sim_size = 0;
	const uint8_t *mem = flash_simulator_get_memory(dev, &sim_size);

	if (mem == NULL || fa_off > sim_size || len > sim_size - fa_off) {
		return NULL;
	}
	return mem + fa_off;
}

#define SLOT_VIEW(node, len)                                                                       \
	slot_base(DEVICE_DT_GET(DT_MTD_FROM_FIXED_PARTITION(node)), DT_REG_ADDR(node), (len))

#elif defined(CONFIG_TINYML_MODEL_XIP)
BUILD_ASSERT(DT_NODE_EXISTS(DT_MEM_FROM_FIXED_PARTITION(SLOT_A)) &&
		     DT_NODE_EXISTS(DT_MEM_FROM_FIXED_PARTITION(SLOT_B)),
	     "CONFIG_TINYML_MODEL_XIP needs the model slots in CPU-addressable flash");

#define SLOT_VIEW(node, len) ((const uint8_t *)DT_FIXED_PARTITION_ADDR(node))

#else
static uint8_t model_copy[CONFIG_TINYML_MODEL_RAM_SIZE] __aligned(16);
#endif

int tinyml_zephyr_model_view(enum tinyml_zephyr_area_id id, size_t len, const uint8_t **view)
{
	size_t slot_size;

	if (view == NULL) {
		return -EINVAL;
	}
	if (id == TINYML_ZEPHYR_AREA_MODEL_A) {
		slot_size = DT_REG_SIZE(SLOT_A);
	} else if (id == TINYML_ZEPHYR_AREA_MODEL_B) {
		slot_size = DT_REG_SIZE(SLOT_B);
	} else {
		return -EINVAL;
	}
	if (len > slot_size) {
		return -EINVAL;
	}

#if defined(CONFIG_TINYML_MODEL_XIP)
	*view = id == TINYML_ZEPHYR_AREA_MODEL_A ? SLOT_VIEW(SLOT_A, len) : SLOT_VIEW(SLOT_B, len);
	return *view != NULL ? 0 : -EIO;
#else
	const struct tinyml_flash_area *area = tinyml_zephyr_area(id);
	int rc;

	if (len > sizeof(model_copy)) {
		return -ENOMEM;
	}
	rc = tinyml_platform_flash_read(area, 0, model_copy, len);
	if (rc != 0) {
		return rc == -EINVAL ? -EIO : rc;
	}
	*view = model_copy;
	return 0;
#endif
}
