// gl_renderer.h - draws Dear ImGui's draw data with WebGL2 (GLES 3.0),
// using the shaders in shaders/ (embedded at build time).
#pragma once

struct ImDrawData;

namespace crm::web {

bool renderer_init();                       // false when a shader fails to build
void renderer_render(ImDrawData* data, int fb_width, int fb_height, const float clear[4]);
void renderer_upload_fonts();               // after the font atlas is (re)built
const char* renderer_error();

}  // namespace crm::web
