/*
 * Recording stream: raw windows and triggered snippets as framed, checksummed text lines.
 *
 * A recording is one BEGIN frame (sensor settings, versions, sample count), DATA frames of
 * interleaved int16 samples and one END frame (samples sent, CRC-32 of all sample bytes,
 * capture overruns). Every frame is a fixed-layout little-endian record closed by a CRC-32 and
 * carries a stream-wide sequence number, so the host detects lost, torn and corrupt frames.
 * Each frame is written as one ASCII line:
 *
 *   "@TR1:" base64(frame) "\n"
 *
 * which survives a UART shell (no control characters; other console output may come between
 * lines). The encoder keeps no samples and allocates nothing: the caller passes its own line
 * buffer of TINYML_RECSTREAM_LINE_MAX bytes and writes each line before encoding the next.
 * The byte layout is in docs/field-loop.md; the host decoder is `west field pull`.
 *
 * Privacy: only call this in an explicit recording mode; release builds leave it off.
 */
#ifndef TINYML_RECSTREAM_H_
#define TINYML_RECSTREAM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the frame layout (byte 0 of every frame). */
#define TINYML_RECSTREAM_VERSION 1u

/** Line prefix: "@TR" then the layout version. */
#define TINYML_RECSTREAM_PREFIX "@TR1:"

/** int16 sample values (all channels) in one DATA frame. */
#define TINYML_RECSTREAM_MAX_SAMPLES 64u

/** Most channels in a recording. */
#define TINYML_RECSTREAM_MAX_CHANNELS 8u

/** Bytes of the NUL-padded text fields of the BEGIN frame. */
#define TINYML_RECSTREAM_NAMES_BYTES  32u
#define TINYML_RECSTREAM_SENSOR_BYTES 48u

/** Frame types (byte 1 of every frame). */
#define TINYML_RECSTREAM_BEGIN 1u
#define TINYML_RECSTREAM_DATA  2u
#define TINYML_RECSTREAM_END   3u

/** Recording kinds. */
#define TINYML_RECSTREAM_KIND_WINDOW  0u /**< raw windows, no trigger */
#define TINYML_RECSTREAM_KIND_SNIPPET 1u /**< pre- and post-trigger samples around a trigger */

/** trigger_class when the snippet was not started by a detection. */
#define TINYML_RECSTREAM_NO_CLASS 0xFFFFu

/** Frame header bytes: version, type, recording id, sequence number, payload length. */
#define TINYML_RECSTREAM_HEADER_BYTES 10u
/** BEGIN payload bytes. */
#define TINYML_RECSTREAM_BEGIN_BYTES                                                               \
	(36u + TINYML_RECSTREAM_NAMES_BYTES + TINYML_RECSTREAM_SENSOR_BYTES)
/** DATA payload bytes before the samples: first frame index, frame count. */
#define TINYML_RECSTREAM_DATA_HEAD_BYTES 6u
/** END payload bytes. */
#define TINYML_RECSTREAM_END_BYTES       12u

/** Largest binary frame (a full DATA frame), CRC included. */
#define TINYML_RECSTREAM_FRAME_MAX                                                                 \
	(TINYML_RECSTREAM_HEADER_BYTES + TINYML_RECSTREAM_DATA_HEAD_BYTES +                        \
	 2u * TINYML_RECSTREAM_MAX_SAMPLES + 4u)

/** Line buffer that holds any frame: prefix, base64, '\n' and a terminating NUL. */
#define TINYML_RECSTREAM_LINE_MAX                                                                  \
	(sizeof(TINYML_RECSTREAM_PREFIX) - 1u + 4u * ((TINYML_RECSTREAM_FRAME_MAX + 2u) / 3u) + 2u)

/** What the host needs to rebuild a recording and its sidecar. */
struct tinyml_recstream_info {
	uint32_t sample_rate_mhz;    /**< sample rate in millihertz (16000 Hz = 16000000) */
	uint32_t frames;             /**< samples per channel the recording will hold */
	uint32_t pre_trigger_frames; /**< snippet: samples per channel before the trigger */
	uint32_t timestamp_ms;       /**< device time of the trigger (snippet) or first sample */
	uint32_t fw_version;         /**< firmware version, (major << 16) | (minor << 8) | patch */
	uint32_t model_version;      /**< model version, same packing */
	uint32_t pipeline_id;        /**< feature-pipeline ID */
	uint32_t runtime_id;         /**< model runtime ID of the firmware */
	uint8_t channels;            /**< 1..TINYML_RECSTREAM_MAX_CHANNELS */
	uint8_t kind;                /**< TINYML_RECSTREAM_KIND_* */
	uint16_t trigger_class;      /**< class that fired, or TINYML_RECSTREAM_NO_CLASS */
	/** Channel names, comma-separated ("ax,ay,az"); empty: ch0, ch1, ... */
	char channel_names[TINYML_RECSTREAM_NAMES_BYTES];
	/** Sensor settings as "key=value;..." ("part=ADXL343;range_g=4;odr_hz=1600"). */
	char sensor[TINYML_RECSTREAM_SENSOR_BYTES];
};

/** Encoder state; fields are private to recstream.c. */
struct tinyml_recstream {
	uint32_t seq;
	uint32_t frames_total;
	uint32_t frames_sent;
	uint32_t samples_crc;
	uint16_t rec_id;
	uint8_t channels;
	bool open;
};

/**
 * @brief Start a stream; the first frame gets sequence number @p first_seq.
 *
 * A device that streams several times per boot keeps one encoder, so sequence numbers stay
 * unique and a host capturing across sessions still sees every gap.
 */
void tinyml_recstream_init(struct tinyml_recstream *rs, uint32_t first_seq);

/**
 * @brief Encode the BEGIN line of a new recording into @p line.
 *
 * @param line Caller's buffer; receives a NUL-terminated line ending in '\n'.
 * @param cap  Bytes of @p line (TINYML_RECSTREAM_LINE_MAX always suffices).
 * @return The line length (without the NUL) on success.
 * @retval -EINVAL if an argument is out of range (channels, kind, rate, pre-trigger count,
 *                 a text field without NUL).
 * @retval -EBUSY if a recording is open (end it first).
 * @retval -ENOSPC if @p cap is too small; nothing is consumed.
 */
int tinyml_recstream_begin(struct tinyml_recstream *rs, const struct tinyml_recstream_info *info,
			   char *line, size_t cap);

/** @brief Most frames (samples per channel) one DATA line of the open recording holds. */
uint16_t tinyml_recstream_max_frames(const struct tinyml_recstream *rs);

/**
 * @brief Encode one DATA line of @p n_frames interleaved frames (n_frames * channels values).
 *
 * @return The line length on success.
 * @retval -EINVAL if @p n_frames is 0, above tinyml_recstream_max_frames() or beyond the
 *                 announced frame count.
 * @retval -EALREADY if no recording is open.
 * @retval -ENOSPC if @p cap is too small; nothing is consumed.
 */
int tinyml_recstream_data(struct tinyml_recstream *rs, const int16_t *samples, uint16_t n_frames,
			  char *line, size_t cap);

/**
 * @brief Encode the END line and close the recording.
 *
 * A recording ended before all announced frames were sent is marked short; the host keeps
 * none of it. @p overruns counts samples the capture lost while recording (0 when none).
 *
 * @return The line length on success.
 * @retval -EALREADY if no recording is open.
 * @retval -ENOSPC if @p cap is too small; the recording stays open.
 */
int tinyml_recstream_end(struct tinyml_recstream *rs, uint32_t overruns, char *line, size_t cap);

/** @brief Sequence number the next line will carry. */
uint32_t tinyml_recstream_next_seq(const struct tinyml_recstream *rs);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_RECSTREAM_H_ */
