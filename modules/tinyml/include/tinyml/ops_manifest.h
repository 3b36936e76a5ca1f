/*
 * The operator manifest compiled into the firmware: which TFLite builtin operators, op versions
 * and tensor types the runtime registers, its SHA-256 digest and the runtime ID.
 *
 * The data (tinyml_ops_manifest.c) and the TFLM op resolver (tinyml_op_resolver.hpp) are
 * generated at build time from modules/tinyml/ops_manifest.yaml by
 * `python -m tinyml_tools.modelpack.codegen`; see docs/model-package-format.md for the
 * canonical byte form the digest is computed over.
 */
#ifndef TINYML_OPS_MANIFEST_H_
#define TINYML_OPS_MANIFEST_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Format number of the canonical manifest (first u32 of the digested bytes). */
#define TINYML_OPS_MANIFEST_FORMAT 1U

/** Size of the manifest digest (SHA-256). */
#define TINYML_OPS_MANIFEST_DIGEST_SIZE 32U

/**
 * One operator the runtime registers. 8 bytes, no padding: the table's bytes are the
 * canonical manifest entries.
 */
struct tinyml_ops_manifest_entry {
	/** TFLite BuiltinOperator code. */
	uint16_t builtin_code;
	/** Lowest accepted op version. */
	uint8_t min_version;
	/** Highest accepted op version. */
	uint8_t max_version;
	/** Bit n set: TFLite TensorType n is allowed on the op's tensors. */
	uint32_t type_mask;
};

/** The table, sorted by builtin_code, codes unique. */
extern const struct tinyml_ops_manifest_entry tinyml_ops_manifest_table[];

/** Number of entries of tinyml_ops_manifest_table. */
extern const uint32_t tinyml_ops_manifest_count;

/** SHA-256 of the canonical manifest (format, count, table). */
extern const uint8_t tinyml_ops_manifest_digest[TINYML_OPS_MANIFEST_DIGEST_SIZE];

/** Runtime ID: first 4 bytes (LE) of SHA-256(digest || TFLM version string). */
extern const uint32_t tinyml_runtime_id;

/** TFLM version string the runtime ID was derived from. */
extern const char tinyml_ops_manifest_tflm_version[];

/**
 * @brief Find an operator in the manifest.
 *
 * @param builtin_code TFLite BuiltinOperator code.
 * @return The entry, or NULL when the runtime does not register the operator.
 */
const struct tinyml_ops_manifest_entry *tinyml_ops_manifest_find(uint16_t builtin_code);

/**
 * @brief Check one operator use of a model against the manifest.
 *
 * @param builtin_code TFLite BuiltinOperator code.
 * @param version Op version from the model's operator code.
 * @param tensor_type TFLite TensorType of one of the op's tensors.
 *
 * @retval 0 The runtime supports the operator at this version with this tensor type.
 * @retval -ENOENT The operator is not registered.
 * @retval -ERANGE The op version is outside the registered range.
 * @retval -ENOTSUP The tensor type is not allowed for this operator.
 */
int tinyml_ops_manifest_check(uint16_t builtin_code, uint8_t version, uint8_t tensor_type);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_OPS_MANIFEST_H_ */
