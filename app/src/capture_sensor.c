/*
 * Capture from the accelerometer behind the devicetree alias tinyml-accel, through the sensor
 * API: the driver's data-ready trigger fetches one sample and pushes its three axes (milli-g)
 * into the core's ring buffer. The ring is lock-free for one producer, so the handler never
 * waits on the processing thread.
 */
#include <errno.h>

#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/drivers/sensor.h>
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

#include "app.h"

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

BUILD_ASSERT(CONFIG_TINYML_RING_AXES == 3, "the accelerometer capture produces 3 axes");

static const struct device *const accel = DEVICE_DT_GET(DT_ALIAS(tinyml_accel));

static const struct sensor_trigger data_ready = {
	.type = SENSOR_TRIG_DATA_READY,
	.chan = SENSOR_CHAN_ACCEL_XYZ,
};

static int16_t to_milli_g(const struct sensor_value *v)
{
	/* The sensor API reports m/s^2; 1 g = 9.80665 m/s^2. */
	int64_t milli_ms2 = sensor_value_to_milli(v);
	int64_t milli_g = milli_ms2 * 1000 / 9807;

	return (int16_t)CLAMP(milli_g, INT16_MIN, INT16_MAX);
}

static void on_data_ready(const struct device *dev, const struct sensor_trigger *trig)
{
	struct sensor_value xyz[3];
	uint32_t now = k_uptime_get_32();

	ARG_UNUSED(trig);
	if (sensor_sample_fetch_chan(dev, SENSOR_CHAN_ACCEL_XYZ) != 0 ||
	    sensor_channel_get(dev, SENSOR_CHAN_ACCEL_XYZ, xyz) != 0) {
		return;
	}
	for (int axis = 0; axis < 3; axis++) {
		(void)tinyml_ringbuf_push(&app_ring, to_milli_g(&xyz[axis]), now);
	}
}

int app_capture_start(void)
{
	struct sensor_value rate = {.val1 = CONFIG_TINYML_APP_SAMPLE_RATE_HZ, .val2 = 0};
	int rc;

	if (!device_is_ready(accel)) {
		return -ENODEV;
	}
	rc = sensor_attr_set(accel, SENSOR_CHAN_ACCEL_XYZ, SENSOR_ATTR_SAMPLING_FREQUENCY, &rate);
	if (rc != 0) {
		LOG_WRN("sampling frequency %d Hz refused: %d", CONFIG_TINYML_APP_SAMPLE_RATE_HZ,
			rc);
	}
	return sensor_trigger_set(accel, &data_ready, on_data_ready);
}
