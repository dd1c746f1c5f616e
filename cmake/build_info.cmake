# Writes build_info.h at build time, so that the version a results file records is the commit the
# tools were built from, not the one CMake last configured at. configure_file leaves the header
# untouched when nothing changed, so an unchanged tree rebuilds nothing.
# Inputs (-D): SOURCE_DIR, TEMPLATE, OUTPUT, PROJECT_VERSION, SGEMA_BUILD_FLAGS.
execute_process(COMMAND git describe --always --dirty WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE SGEMA_GIT_DESCRIBE OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT SGEMA_GIT_DESCRIBE)
  set(SGEMA_GIT_DESCRIBE "${PROJECT_VERSION}")
endif()
configure_file(${TEMPLATE} ${OUTPUT} @ONLY)
