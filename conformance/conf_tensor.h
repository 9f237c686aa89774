/*
 * conf_tensor.h - device tensors of the operator cases: a buffer, a view of
 * it (contiguous, gapped, transposed, zero-stride, at a byte offset) and a
 * host image of the whole buffer.
 *
 * Inputs are filled slot by slot (a slot is an element-sized cell of the
 * buffer after the view's byte offset), so gaps hold ordinary values and
 * zero-stride views read the same slot for every broadcast index. Outputs
 * are filled with a canary byte; after the op every byte outside the view
 * must still hold it.
 */
#ifndef XHAL_CONF_TENSOR_H
#define XHAL_CONF_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include <xhal/xhal.h>

#include "conf_case.h"
#include "conf_tolerance.h"
#include "ref_tensor.h"

typedef enum conf_layout {
  CONF_LAYOUT_CONTIGUOUS = 0, /* row-major, no gaps */
  CONF_LAYOUT_GAPPED = 1,     /* innermost stride 2, one spare element per row of each dim */
  CONF_LAYOUT_REVERSED = 2,   /* dims laid out in reverse order (column-major) */
  CONF_LAYOUT_SWAP_LAST2 = 3, /* last two dims swapped in memory (a transposed matrix) */
  CONF_LAYOUT_EXPANDED = 4,   /* stride 0 on the first dim of size > 1 (inputs only) */
} conf_layout_t;

/* The byte offset a view gets when asked for one: 37 elements, aligned to
 * the element size and to nothing larger. */
#define CONF_TENSOR_OFFSET_ELEMENTS 37
/* Spare bytes after the last element, to catch writes past the view. */
#define CONF_TENSOR_TAIL_BYTES 64
/* What outputs and the bytes around views are filled with. */
#define CONF_TENSOR_CANARY 0x5a

typedef struct conf_tensor {
  xhal_tensor_t view;
  uint64_t bytes;   /* buffer size */
  uint8_t *host;    /* host image of the whole buffer */
  uint8_t *canary;  /* outputs: the image uploaded before the op */
} conf_tensor_t;

/* Fills t->view (buffer NULL) and t->bytes for a view of shape with the
 * given layout; offset != 0 adds CONF_TENSOR_OFFSET_ELEMENTS elements of
 * byte offset. No allocation. */
void conf_tensor_plan(conf_tensor_t *t, xhal_dtype_t dtype, const ref_shape_t *shape,
                      conf_layout_t layout, int offset);
/* Bytes covered by the view's elements from its byte offset (0 if empty). */
uint64_t conf_tensor_span(const xhal_tensor_t *view);
/* Byte position of the element at coords. */
uint64_t conf_tensor_element_offset(const xhal_tensor_t *view, const int64_t *coords);

/* Creates the buffer (t->bytes) on device and the host image. Returns the
 * status of xhal_buffer_create, OUT_OF_MEMORY for the host image. */
xhal_status_t conf_tensor_alloc(conf_tensor_t *t, xhal_device_t *device);
void conf_tensor_free(conf_tensor_t *t); /* safe on a planned-only tensor */

/* Writes slot values: the value of slot s comes from gen (a float for float
 * dtypes, an integer or a bit pattern otherwise). Bytes before the byte
 * offset get the canary. */
typedef void (*conf_tensor_gen_fn)(void *ctx, uint64_t slot, double *f, int64_t *i);
void conf_tensor_fill(conf_tensor_t *t, int raw, conf_tensor_gen_fn gen, void *ctx);
/* Fills the whole image with the canary and remembers it. Returns -1 when
 * out of host memory. */
int conf_tensor_fill_canary(conf_tensor_t *t);

xhal_status_t conf_tensor_upload(xhal_stream_t *stream, const conf_tensor_t *t);
/* Enqueues the read-back of the whole buffer into the image (complete after
 * the stream synchronizes). */
xhal_status_t conf_tensor_download(xhal_stream_t *stream, conf_tensor_t *t);

/* Logical values of the view, row-major, into r (initialised here). */
int conf_tensor_gather(const conf_tensor_t *t, int raw, ref_tensor_t *r);

/* Describes the inputs behind output element coords, for failure lines. */
typedef void (*conf_describe_fn)(void *ctx, const int64_t *coords, char *out, size_t out_size);

/* Compares the downloaded output t against expected under op's tolerance
 * and checks that no byte outside the view changed. Records the largest
 * error in run->max_error. Returns CONF_PASS, or CONF_FAIL with the count
 * of mismatches and the first few (flat index, coordinates, expected,
 * actual, error, bound). */
conf_result_t conf_tensor_compare(conf_run_t *run, xhal_op_t op, const conf_tensor_t *t,
                                  const ref_tensor_t *expected, conf_describe_fn describe,
                                  void *describe_ctx);

/* CONF_FAIL if a byte of t outside its view differs from the canary. */
conf_result_t conf_tensor_check_untouched(conf_run_t *run, const char *what,
                                          const conf_tensor_t *t, int whole_buffer);

/* "2x3x4 strides (12,4,1) offset 0" for messages. */
void conf_tensor_format(char *out, size_t out_size, const xhal_tensor_t *view);

#endif
