/*
 * TFLite flatbuffer verification (see tinyml/tflite_check.h). Field indices are those of the
 * TFLite schema (schema.fbs, schema version 3); a table's vtable entry i is at vtable + 4 + 2i.
 */
#include <errno.h>
#include <string.h>

#include <tinyml/tflite_check.h>

#include "le_bytes.h"

#define SCHEMA_VERSION     3u
#define MAX_TYPE           20u /* INT2 19, UINT4 20 */
#define MAX_OPCODES        1024u
#define MAX_METADATA       256u
#define MAX_GENERIC_VECTOR 4096u
#define OPTIONS_RESHAPE    17u
#define OPTIONS_SQUEEZE    30u
#define MAX_ELEMENTS       0x7FFFFFFFull

/* TensorType element sizes in bytes (0: not a fixed size, or packed below a byte). */
static const uint8_t type_bytes[MAX_TYPE + 1u] = {
	4u, 2u, 4u, 1u, 8u, 0u, 1u, 2u, 8u, 1u, 8u, 16u, 8u, 0u, 0u, 4u, 2u, 0u, 2u, 0u, 0u,
};

struct fb {
	const struct tinyml_flash_area *fa;
	const uint8_t *buf;
	uint32_t base;
	uint32_t size;
	uint32_t n_buffers;
	uint32_t buffers; /* data position of the buffers vector */
	uint32_t n_opcodes;
};

struct table {
	uint32_t pos;
	uint32_t vt;
	uint16_t vt_size;
	uint16_t inline_size;
};

static int rd(const struct fb *f, uint32_t off, void *dst, uint32_t n)
{
	if (off > f->size || n > f->size - off) {
		return -EINVAL;
	}
	if (f->buf != NULL) {
		memcpy(dst, f->buf + off, n);
		return 0;
	}
	return tinyml_platform_flash_read(f->fa, f->base + off, dst, n) == 0 ? 0 : -EIO;
}

static int rd_u32(const struct fb *f, uint32_t off, uint32_t *v)
{
	uint8_t b[4];
	int rc = rd(f, off, b, sizeof(b));

	*v = rc == 0 ? tinyml_get_le32(b) : 0u;
	return rc;
}

static int rd_u16(const struct fb *f, uint32_t off, uint16_t *v)
{
	uint8_t b[2];
	int rc = rd(f, off, b, sizeof(b));

	*v = rc == 0 ? tinyml_get_le16(b) : 0u;
	return rc;
}

static int rd_u64(const struct fb *f, uint32_t off, uint64_t *v)
{
	uint8_t b[8];
	int rc = rd(f, off, b, sizeof(b));

	*v = rc == 0 ? tinyml_get_le64(b) : 0u;
	return rc;
}

/* A table at @p pos: its vtable and inline part inside the buffer, aligned. */
static int table_open(const struct fb *f, uint32_t pos, struct table *t)
{
	uint32_t so;
	int64_t vt;
	int rc;

	if (pos % 4u != 0u) {
		return -EINVAL;
	}
	rc = rd_u32(f, pos, &so);
	if (rc != 0) {
		return rc;
	}
	vt = (int64_t)pos - (int64_t)(int32_t)so;
	if (vt < 0 || vt > (int64_t)f->size - 4 || vt % 2 != 0) {
		return -EINVAL;
	}
	t->pos = pos;
	t->vt = (uint32_t)vt;
	rc = rd_u16(f, t->vt, &t->vt_size);
	if (rc == 0) {
		rc = rd_u16(f, t->vt + 2u, &t->inline_size);
	}
	if (rc != 0) {
		return rc;
	}
	if (t->vt_size < 4u || t->vt_size % 2u != 0u || t->vt_size > f->size - t->vt ||
	    t->inline_size < 4u || t->inline_size > f->size - pos) {
		return -EINVAL;
	}
	return 0;
}

/* Position of field @p idx of @p size bytes, 0 when absent. */
static int field(const struct fb *f, const struct table *t, uint32_t idx, uint32_t size,
		 uint32_t *pos)
{
	uint32_t entry = 4u + 2u * idx;
	uint16_t fo;
	int rc;

	*pos = 0u;
	if (entry + 2u > t->vt_size) {
		return 0;
	}
	rc = rd_u16(f, t->vt + entry, &fo);
	if (rc != 0 || fo == 0u) {
		return rc;
	}
	if (fo < 4u || (uint32_t)fo + size > t->inline_size || (t->pos + fo) % size != 0u) {
		return -EINVAL;
	}
	*pos = t->pos + fo;
	return 0;
}

static int field_u8(const struct fb *f, const struct table *t, uint32_t idx, uint8_t *v)
{
	uint32_t pos;
	int rc = field(f, t, idx, 1u, &pos);

	*v = 0u;
	return rc != 0 || pos == 0u ? rc : rd(f, pos, v, 1u);
}

static int field_u32(const struct fb *f, const struct table *t, uint32_t idx, uint32_t *v)
{
	uint32_t pos;
	int rc = field(f, t, idx, 4u, &pos);

	*v = 0u;
	return rc != 0 || pos == 0u ? rc : rd_u32(f, pos, v);
}

static int field_u64(const struct fb *f, const struct table *t, uint32_t idx, uint64_t *v)
{
	uint32_t pos;
	int rc = field(f, t, idx, 8u, &pos);

	*v = 0u;
	return rc != 0 || pos == 0u ? rc : rd_u64(f, pos, v);
}

/* Target of the offset stored at @p pos (a forward uoffset, inside the buffer). */
static int follow(const struct fb *f, uint32_t pos, uint32_t *target)
{
	uint32_t off;
	int rc = rd_u32(f, pos, &off);

	if (rc != 0) {
		return rc;
	}
	if (off == 0u || off >= f->size - pos) {
		return -EINVAL;
	}
	*target = pos + off;
	return 0;
}

/* Vector at @p pos of @p n elements of @p elem bytes; *data: its first element. */
static int vector_at(const struct fb *f, uint32_t pos, uint32_t elem, uint32_t max, uint32_t *n,
		     uint32_t *data)
{
	int rc;

	if (pos % 4u != 0u) {
		return -EINVAL;
	}
	rc = rd_u32(f, pos, n);
	if (rc != 0) {
		return rc;
	}
	*data = pos + 4u;
	if (*n > max || (uint64_t)*n * elem > (uint64_t)f->size - *data ||
	    (elem == 8u && *data % 8u != 0u)) {
		return -EINVAL;
	}
	return 0;
}

/* Optional vector field; *n = 0 when absent. */
static int vector_field(const struct fb *f, const struct table *t, uint32_t idx, uint32_t elem,
			uint32_t max, uint32_t *n, uint32_t *data)
{
	uint32_t pos;
	uint32_t target;
	int rc = field(f, t, idx, 4u, &pos);

	*n = 0u;
	*data = 0u;
	if (rc != 0 || pos == 0u) {
		return rc;
	}
	rc = follow(f, pos, &target);
	return rc != 0 ? rc : vector_at(f, target, elem, max, n, data);
}

static int string_field(const struct fb *f, const struct table *t, uint32_t idx)
{
	uint32_t n;
	uint32_t data;
	uint8_t nul;
	int rc = vector_field(f, t, idx, 1u, f->size, &n, &data);

	if (rc != 0 || data == 0u) {
		return rc;
	}
	rc = rd(f, data + n, &nul, 1u);
	return rc != 0 ? rc : (nul == 0u ? 0 : -EINVAL);
}

/* Optional table field; *present false when absent. */
static int table_field(const struct fb *f, const struct table *t, uint32_t idx, struct table *child,
		       bool *present)
{
	uint32_t pos;
	uint32_t target;
	int rc = field(f, t, idx, 4u, &pos);

	*present = false;
	if (rc != 0 || pos == 0u) {
		return rc;
	}
	rc = follow(f, pos, &target);
	if (rc == 0) {
		rc = table_open(f, target, child);
	}
	*present = rc == 0;
	return rc;
}

/* Element @p i of a vector of tables whose data starts at @p data. */
static int vector_table(const struct fb *f, uint32_t data, uint32_t i, struct table *t)
{
	uint32_t target;
	int rc = follow(f, data + 4u * i, &target);

	return rc != 0 ? rc : table_open(f, target, t);
}

/* Every entry of an int vector field is a tensor index in [-1, n_tensors). */
static int index_vector(const struct fb *f, const struct table *t, uint32_t idx, uint32_t n_tensors,
			bool allow_none, uint32_t *n_out, uint32_t *data_out)
{
	uint32_t n;
	uint32_t data;
	uint32_t i;
	int rc = vector_field(f, t, idx, 4u, TINYML_TFLITE_MAX_TENSORS, &n, &data);

	for (i = 0u; rc == 0 && i < n; i++) {
		uint32_t v;

		rc = rd_u32(f, data + 4u * i, &v);
		if (rc == 0 && !((int32_t)v >= 0 && v < n_tensors) &&
		    !(allow_none && (int32_t)v == -1)) {
			rc = -EINVAL;
		}
	}
	if (n_out != NULL) {
		*n_out = n;
		*data_out = data;
	}
	return rc;
}

/* Data bytes of buffer @p index (0 when it has none); external data must lie in the model. */
static int buffer_bytes(const struct fb *f, uint32_t index, uint64_t *bytes)
{
	struct table b;
	uint32_t n;
	uint32_t data;
	uint64_t off;
	uint64_t size;
	int rc = vector_table(f, f->buffers, index, &b);

	if (rc == 0) {
		rc = vector_field(f, &b, 0u, 1u, f->size, &n, &data);
	}
	if (rc == 0) {
		rc = field_u64(f, &b, 1u, &off);
	}
	if (rc == 0) {
		rc = field_u64(f, &b, 2u, &size);
	}
	if (rc != 0) {
		return rc;
	}
	*bytes = n;
	if (off > 1u) {
		/* data outside the flatbuffer, at model start + offset */
		if (off > f->size || size > f->size - off) {
			return -EINVAL;
		}
		*bytes = size;
	}
	return 0;
}

static int check_quantization(const struct fb *f, const struct table *q, uint32_t rank,
			      const int32_t *dims, struct tinyml_tflite_tensor *d)
{
	uint32_t n_scale;
	uint32_t scale;
	uint32_t n_zp;
	uint32_t zp;
	uint32_t n;
	uint32_t data;
	uint32_t qdim;
	uint8_t details_type;
	bool present;
	struct table details;
	int rc = vector_field(f, q, 0u, 4u, MAX_GENERIC_VECTOR, &n, &data);

	if (rc == 0) {
		rc = vector_field(f, q, 1u, 4u, MAX_GENERIC_VECTOR, &n, &data);
	}
	if (rc == 0) {
		rc = vector_field(f, q, 2u, 4u, MAX_GENERIC_VECTOR, &n_scale, &scale);
	}
	if (rc == 0) {
		rc = vector_field(f, q, 3u, 8u, MAX_GENERIC_VECTOR, &n_zp, &zp);
	}
	if (rc == 0) {
		rc = field_u8(f, q, 4u, &details_type);
	}
	if (rc == 0) {
		rc = table_field(f, q, 5u, &details, &present);
	}
	if (rc == 0) {
		rc = field_u32(f, q, 6u, &qdim);
	}
	if (rc != 0) {
		return rc;
	}
	if (n_scale != 0u) {
		/* per-tensor or per-channel along quantized_dimension; a zero point per scale */
		if (n_zp != n_scale ||
		    (n_scale > 1u && (qdim >= rank || (uint32_t)dims[qdim] != n_scale))) {
			return -EINVAL;
		}
		d->quantized = true;
		rc = rd_u32(f, scale, &d->scale_bits);
		if (rc == 0) {
			uint64_t z;

			rc = rd_u64(f, zp, &z);
			d->zero_point = (int64_t)z;
		}
	} else if (n_zp > 1u) {
		return -EINVAL;
	}
	return rc;
}

static int check_tensor(const struct fb *f, const struct table *t, struct tinyml_tflite_tensor *d,
			bool *constant)
{
	struct table q;
	struct table sparsity;
	bool present;
	uint32_t n_dims;
	uint32_t dims_pos;
	uint32_t n;
	uint32_t data;
	uint32_t buffer;
	uint64_t elements = 1u;
	uint64_t bytes;
	uint64_t have;
	uint32_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = vector_field(f, t, 0u, 4u, TINYML_TFLITE_MAX_RANK, &n_dims, &dims_pos);
	for (i = 0u; rc == 0 && i < n_dims; i++) {
		uint32_t v;

		rc = rd_u32(f, dims_pos + 4u * i, &v);
		if (rc == 0 && (int32_t)v < 0) {
			rc = -EINVAL;
		}
		d->dims[i] = (int32_t)v;
		elements *= v;
		if (elements > MAX_ELEMENTS) {
			rc = -EINVAL;
		}
	}
	d->rank = (uint8_t)n_dims;
	if (rc == 0) {
		rc = field_u8(f, t, 1u, &d->type);
	}
	if (rc == 0) {
		rc = field_u32(f, t, 2u, &buffer);
	}
	if (rc == 0) {
		rc = string_field(f, t, 3u);
	}
	if (rc == 0) {
		rc = table_field(f, t, 4u, &q, &present);
		if (rc == 0 && present) {
			rc = check_quantization(f, &q, n_dims, d->dims, d);
		}
	}
	if (rc == 0) {
		rc = table_field(f, t, 6u, &sparsity, &present);
		if (rc == 0 && present) {
			rc = -ENOTSUP; /* TFLM runs no sparse tensor */
		}
	}
	if (rc == 0) {
		rc = vector_field(f, t, 7u, 4u, TINYML_TFLITE_MAX_RANK, &n, &data);
	}
	if (rc == 0) {
		rc = vector_field(f, t, 9u, 4u, MAX_GENERIC_VECTOR, &n, &data);
		for (i = 0u; rc == 0 && i < n; i++) {
			struct table v;

			rc = vector_table(f, data, i, &v);
		}
	}
	if (rc != 0) {
		return rc;
	}
	if (d->type > MAX_TYPE || buffer >= f->n_buffers) {
		return -EINVAL;
	}
	if (type_bytes[d->type] != 0u) {
		bytes = elements * type_bytes[d->type];
	} else if (d->type == 17u || d->type == 20u) {
		bytes = (elements + 1u) / 2u; /* 4-bit, packed */
	} else if (d->type == 19u) {
		bytes = (elements + 3u) / 4u; /* 2-bit, packed */
	} else {
		bytes = 0u; /* string, resource, variant: no fixed size */
	}
	if (bytes > MAX_ELEMENTS) {
		return -EINVAL;
	}
	d->bytes = (uint32_t)bytes;
	rc = buffer_bytes(f, buffer, &have);
	if (rc != 0) {
		return rc;
	}
	/* constant data the kernels read must cover the shape */
	*constant = have != 0u;
	return have != 0u && have < bytes ? -EINVAL : 0;
}

static int check_options(const struct fb *f, const struct table *op)
{
	struct table opts;
	bool present;
	uint8_t type;
	uint32_t n;
	uint32_t data;
	int rc = field_u8(f, op, 3u, &type);

	if (rc == 0) {
		rc = table_field(f, op, 4u, &opts, &present);
	}
	if (rc == 0 && present && (type == OPTIONS_RESHAPE || type == OPTIONS_SQUEEZE)) {
		/* the option tables whose vectors TFLM reads: new_shape, squeeze_dims */
		rc = vector_field(f, &opts, 0u, 4u, TINYML_TFLITE_MAX_RANK + 2u, &n, &data);
	}
	if (rc == 0) {
		rc = table_field(f, op, 12u, &opts, &present); /* builtin_options_2 */
	}
	return rc;
}

static int check_operator(const struct fb *f, const struct table *op, uint32_t n_tensors)
{
	uint32_t opcode;
	uint32_t n;
	uint32_t data;
	uint64_t off;
	uint64_t size;
	int rc = field_u32(f, op, 0u, &opcode);

	if (rc == 0 && opcode >= f->n_opcodes) {
		rc = -EINVAL;
	}
	if (rc == 0) {
		rc = index_vector(f, op, 1u, n_tensors, true, NULL, NULL);
	}
	if (rc == 0) {
		rc = index_vector(f, op, 2u, n_tensors, true, NULL, NULL);
	}
	if (rc == 0) {
		rc = check_options(f, op);
	}
	if (rc == 0) {
		rc = vector_field(f, op, 5u, 1u, f->size, &n, &data); /* custom options */
	}
	if (rc == 0) {
		rc = vector_field(f, op, 7u, 1u, TINYML_TFLITE_MAX_TENSORS, &n, &data);
	}
	if (rc == 0) {
		rc = index_vector(f, op, 8u, n_tensors, true, NULL, NULL); /* intermediates */
	}
	if (rc == 0) {
		rc = field_u64(f, op, 9u, &off);
	}
	if (rc == 0) {
		rc = field_u64(f, op, 10u, &size);
	}
	if (rc == 0 && (off > f->size || size > f->size - off)) {
		rc = -EINVAL; /* large custom options outside the model */
	}
	return rc;
}

static int io_tensors(const struct fb *f, uint32_t tensors, uint32_t count, uint32_t data,
		      struct tinyml_tflite_tensor *out)
{
	uint32_t i;
	int rc = 0;

	for (i = 0u; rc == 0 && i < count; i++) {
		struct table t;
		uint32_t index;
		bool constant;

		rc = rd_u32(f, data + 4u * i, &index);
		if (rc == 0) {
			rc = vector_table(f, tensors, index, &t);
		}
		if (rc == 0) {
			rc = check_tensor(f, &t, &out[i], &constant);
		}
	}
	return rc;
}

static int check_subgraph(const struct fb *f, const struct table *sg,
			  struct tinyml_tflite_info *info, bool first)
{
	uint32_t n_tensors;
	uint32_t tensors;
	uint32_t n_in;
	uint32_t in;
	uint32_t n_out;
	uint32_t out;
	uint32_t n_ops;
	uint32_t ops;
	uint32_t i;
	int rc = vector_field(f, sg, 0u, 4u, TINYML_TFLITE_MAX_TENSORS, &n_tensors, &tensors);

	for (i = 0u; rc == 0 && i < n_tensors; i++) {
		struct tinyml_tflite_tensor d;
		struct table t;
		bool constant;

		rc = vector_table(f, tensors, i, &t);
		if (rc == 0) {
			rc = check_tensor(f, &t, &d, &constant);
		}
		if (rc == 0 && !constant && d.bytes > info->largest_activation_bytes) {
			info->largest_activation_bytes = d.bytes;
		}
	}
	if (rc == 0) {
		rc = index_vector(f, sg, 1u, n_tensors, false, &n_in, &in);
	}
	if (rc == 0) {
		rc = index_vector(f, sg, 2u, n_tensors, false, &n_out, &out);
	}
	if (rc == 0) {
		rc = vector_field(f, sg, 3u, 4u, TINYML_TFLITE_MAX_OPS, &n_ops, &ops);
	}
	for (i = 0u; rc == 0 && i < n_ops; i++) {
		struct table op;

		rc = vector_table(f, ops, i, &op);
		if (rc == 0) {
			rc = check_operator(f, &op, n_tensors);
		}
	}
	if (rc == 0) {
		rc = string_field(f, sg, 4u);
	}
	if (rc != 0 || !first) {
		return rc;
	}
	if (n_in > TINYML_TFLITE_MAX_IO || n_out > TINYML_TFLITE_MAX_IO) {
		return -ENOTSUP;
	}
	info->n_inputs = (uint16_t)n_in;
	info->n_outputs = (uint16_t)n_out;
	info->n_tensors = n_tensors;
	info->n_operators = n_ops;
	rc = io_tensors(f, tensors, n_in, in, info->inputs);
	return rc != 0 ? rc : io_tensors(f, tensors, n_out, out, info->outputs);
}

static int check_model(struct fb *f, struct tinyml_tflite_info *info)
{
	static const uint8_t ident[4] = {'T', 'F', 'L', '3'};
	struct table model;
	uint8_t id[4];
	uint32_t root;
	uint32_t version;
	uint32_t n;
	uint32_t data;
	uint32_t i;
	int rc;

	memset(info, 0, sizeof(*info));
	if (f->size < 8u || f->size > 0x7FFFFFFFu) {
		return -EINVAL;
	}
	rc = rd_u32(f, 0u, &root);
	if (rc == 0) {
		rc = rd(f, 4u, id, sizeof(id));
	}
	if (rc != 0) {
		return rc;
	}
	if (memcmp(id, ident, sizeof(ident)) != 0 || root < 8u || root >= f->size) {
		return -EINVAL;
	}
	rc = table_open(f, root, &model);
	if (rc == 0) {
		rc = field_u32(f, &model, 0u, &version);
	}
	if (rc != 0) {
		return rc;
	}
	if (version != SCHEMA_VERSION) {
		return -ENOTSUP;
	}
	/* buffers first: tensors are checked against them */
	rc = vector_field(f, &model, 4u, 4u, TINYML_TFLITE_MAX_BUFFERS, &f->n_buffers, &f->buffers);
	for (i = 0u; rc == 0 && i < f->n_buffers; i++) {
		uint64_t bytes;

		rc = buffer_bytes(f, i, &bytes);
	}
	if (rc == 0) {
		rc = vector_field(f, &model, 1u, 4u, MAX_OPCODES, &f->n_opcodes, &data);
	}
	for (i = 0u; rc == 0 && i < f->n_opcodes; i++) {
		struct table oc;
		uint32_t v;
		uint8_t b;

		rc = vector_table(f, data, i, &oc);
		if (rc == 0) {
			rc = field_u8(f, &oc, 0u, &b);
		}
		if (rc == 0) {
			rc = string_field(f, &oc, 1u);
		}
		if (rc == 0) {
			rc = field_u32(f, &oc, 2u, &v);
		}
		if (rc == 0) {
			rc = field_u32(f, &oc, 3u, &v);
		}
	}
	if (rc == 0) {
		rc = vector_field(f, &model, 2u, 4u, TINYML_TFLITE_MAX_SUBGRAPH, &n, &data);
		if (rc == 0 && n == 0u) {
			rc = -EINVAL;
		}
	}
	for (i = 0u; rc == 0 && i < n; i++) {
		struct table sg;

		rc = vector_table(f, data, i, &sg);
		if (rc == 0) {
			rc = check_subgraph(f, &sg, info, i == 0u);
		}
	}
	if (rc == 0) {
		rc = string_field(f, &model, 3u);
	}
	if (rc == 0) {
		rc = vector_field(f, &model, 5u, 4u, MAX_GENERIC_VECTOR, &n, &data);
	}
	if (rc == 0) {
		rc = vector_field(f, &model, 6u, 4u, MAX_METADATA, &n, &data);
	}
	for (i = 0u; rc == 0 && i < n; i++) {
		struct table md;
		uint32_t buffer;

		rc = vector_table(f, data, i, &md);
		if (rc == 0) {
			rc = string_field(f, &md, 0u);
		}
		if (rc == 0) {
			rc = field_u32(f, &md, 1u, &buffer);
		}
		if (rc == 0 && buffer >= f->n_buffers) {
			rc = -EINVAL;
		}
	}
	if (rc == 0) {
		rc = vector_field(f, &model, 7u, 4u, MAX_METADATA, &n, &data);
	}
	for (i = 0u; rc == 0 && i < n; i++) {
		struct table sig;

		rc = vector_table(f, data, i, &sig);
	}
	return rc;
}

int tinyml_tflite_check_area(const struct tinyml_flash_area *fa, uint32_t off, uint32_t len,
			     struct tinyml_tflite_info *info)
{
	struct fb f;

	if (fa == NULL || info == NULL) {
		return -EINVAL;
	}
	memset(&f, 0, sizeof(f));
	f.fa = fa;
	f.base = off;
	f.size = len;
	return check_model(&f, info);
}

int tinyml_tflite_check_buffer(const uint8_t *model, size_t len, struct tinyml_tflite_info *info)
{
	struct fb f;

	if (model == NULL || info == NULL || len > 0x7FFFFFFFu) {
		return -EINVAL;
	}
	memset(&f, 0, sizeof(f));
	f.buf = model;
	f.size = (uint32_t)len;
	return check_model(&f, info);
}
