/*
 * Capture from the accelerometer behind the devicetree alias tinyml-accel, through the sensor
 * API: one sample per data-ready trigger (the driver's interrupt, handled in its work thread),
 * or, on boards where the sensor's interrupt line is not wired, per tick of a k_timer whose
 * interrupt hands the fetch to the system work queue. Each sample's three axes (milli-g) go
 * into the core's ring buffer, lock-free for one producer: capture never waits on processing.
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

static void capture_one(const struct device *dev)
{
	struct sensor_value xyz[3];
	uint32_t now = k_uptime_get_32();

	if (sensor_sample_fetch_chan(dev, SENSOR_CHAN_ACCEL_XYZ) != 0 ||
	    sensor_channel_get(dev, SENSOR_CHAN_ACCEL_XYZ, xyz) != 0) {
		return;
	}
	for (int axis = 0; axis < 3; axis++) {
		(void)tinyml_ringbuf_push(&app_ring, to_milli_g(&xyz[axis]), now);
	}
}

static void on_data_ready(const struct device *dev, const struct sensor_trigger *trig)
{
	ARG_UNUSED(trig);
	capture_one(dev);
}

static void poll_work_handler(struct k_work *work)
{
	ARG_UNUSED(work);
	capture_one(accel);
}

K_WORK_DEFINE(poll_work, poll_work_handler);

static void on_poll_tick(struct k_timer *timer)
{
	ARG_UNUSED(timer);
	(void)k_work_submit(&poll_work);
}

K_TIMER_DEFINE(poll_timer, on_poll_tick, NULL);

int app_capture_start(void)
{
	uint32_t hz = app_pipeline_sample_rate();
	struct sensor_value rate = {.val1 = (int32_t)hz, .val2 = 0};
	int rc;

	if (!device_is_ready(accel)) {
		return -ENODEV;
	}
	rc = sensor_attr_set(accel, SENSOR_CHAN_ACCEL_XYZ, SENSOR_ATTR_SAMPLING_FREQUENCY, &rate);
	if (rc != 0) {
		LOG_WRN("sampling frequency %u Hz refused: %d", hz, rc);
	}
	rc = sensor_trigger_set(accel, &data_ready, on_data_ready);
	if (rc == -ENOTSUP || rc == -ENOSYS) {
		k_timeout_t period = K_USEC(USEC_PER_SEC / hz);

		LOG_INF("no data-ready interrupt: polling at %u Hz", hz);
		k_timer_start(&poll_timer, period, period);
		return 0;
	}
	return rc;
}
