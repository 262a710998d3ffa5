# embed.cmake - writes shaders.h: each GLSL file in shaders/ as a C string,
# so the renderer compiles exactly the files in this folder.
#   cmake -DSRC=<shaders dir> -DOUT=<header> -P embed.cmake
file(GLOB files ${SRC}/*.vert ${SRC}/*.frag)
list(SORT files)
set(text "// Generated from shaders/ by shaders/embed.cmake - do not edit.\n#pragma once\n")
foreach(f ${files})
  get_filename_component(name ${f} NAME)
  string(REPLACE "." "_" name ${name})
  file(READ ${f} body)
  string(APPEND text "static const char kShader_${name}[] = R\"GLSL(${body})GLSL\";\n")
endforeach()
file(WRITE ${OUT}.tmp "${text}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
