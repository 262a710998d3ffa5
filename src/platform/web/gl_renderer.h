// gl_renderer.h - draws Dear ImGui's draw data with WebGL2 (GLES 3.0),
// using the shaders in shaders/ (embedded at build time).
#pragma once

#include <cstddef>
#include <cstdint>

struct ImDrawData;
struct ImDrawList;

namespace crm::web {

bool renderer_init();                       // false when a shader fails to build
void renderer_render(ImDrawData* data, int fb_width, int fb_height, const float clear[4]);
void renderer_upload_fonts();               // after the font atlas is (re)built
const char* renderer_error();
// A chart's point cloud (x, y pairs of data values) drawn by the GPU where the
// list is: uploaded when `version` changes for `key`, then mapped to pixels
// by `map` (x offset, x scale, y offset, y scale). False if it cannot be.
bool renderer_points(ImDrawList* list, int key, uint64_t version, const float* xy, size_t count, const float map[4], float size, uint32_t color);

}  // namespace crm::web
