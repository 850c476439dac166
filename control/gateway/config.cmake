# linerated's configuration, command line, bearer tokens and logs:
# lr_gwconf (included from control/gateway/CMakeLists.txt).
pkg_check_modules(INIH REQUIRED IMPORTED_TARGET inih)
add_library(lr_gwconf STATIC
            ${CMAKE_CURRENT_LIST_DIR}/config.c
            ${CMAKE_CURRENT_LIST_DIR}/config_keys.c
            ${CMAKE_CURRENT_LIST_DIR}/tokens.c
            ${CMAKE_CURRENT_LIST_DIR}/args.c
            ${CMAKE_CURRENT_LIST_DIR}/auth.c
            ${CMAKE_CURRENT_LIST_DIR}/log.c)
target_include_directories(lr_gwconf PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(lr_gwconf PRIVATE
                           LINERATED_VERSION="${PROJECT_VERSION}")
target_link_libraries(lr_gwconf PUBLIC PkgConfig::INIH OpenSSL::Crypto)
