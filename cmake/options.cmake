# Resolve the AUTO options: ON when the dependency is found. An option set
# to ON explicitly makes a missing dependency an error.
include(CheckIncludeFile)

find_library(IPSECMB_LIB IPSec_MB)
check_include_file(intel-ipsec-mb.h HAVE_IPSECMB_H)
if(LR_WITH_IPSECMB AND IPSECMB_LIB AND HAVE_IPSECMB_H)
  set(LR_HAVE_IPSECMB ON)
elseif(LR_WITH_IPSECMB STREQUAL "ON")
  message(FATAL_ERROR "LR_WITH_IPSECMB=ON but intel-ipsec-mb was not found")
else()
  set(LR_HAVE_IPSECMB OFF)
endif()

pkg_check_modules(URING IMPORTED_TARGET liburing)
if(LR_WITH_URING AND URING_FOUND)
  set(LR_HAVE_URING ON)
elseif(LR_WITH_URING STREQUAL "ON")
  message(FATAL_ERROR "LR_WITH_URING=ON but liburing was not found")
else()
  set(LR_HAVE_URING OFF)
endif()

pkg_check_modules(DPDK IMPORTED_TARGET libdpdk)
if(LR_WITH_DPDK AND DPDK_FOUND)
  set(LR_HAVE_DPDK ON)
elseif(LR_WITH_DPDK STREQUAL "ON")
  message(FATAL_ERROR "LR_WITH_DPDK=ON but libdpdk was not found")
else()
  set(LR_HAVE_DPDK OFF)
endif()

# libsrtp2 is never linked into the product (lr_srtp, lr_pc, lr_dp,
# linerated); with it ON (the default) it builds the libsrtp2 engine
# behind lr_srtp.h (lr_srtp_libsrtp2, for the programs that link it) and
# the tests and benchmark that use libsrtp2 as an independent oracle.
if(LR_WITH_LIBSRTP2)
  pkg_check_modules(SRTP2 IMPORTED_TARGET libsrtp2)
  if(NOT SRTP2_FOUND)
    message(FATAL_ERROR "LR_WITH_LIBSRTP2=ON (the default) but libsrtp2 was "
                        "not found: install libsrtp2-dev, or configure with "
                        "-DLR_WITH_LIBSRTP2=OFF (no libsrtp2 engine, no "
                        "tests that need it as their oracle)")
  endif()
  set(LR_HAVE_LIBSRTP2 ON)
else()
  set(LR_HAVE_LIBSRTP2 OFF)
  message(STATUS "linerate: LR_WITH_LIBSRTP2=OFF: no libsrtp2 engine "
                 "(LR_SRTP_IMPL_LIBSRTP2 gives -ENOTSUP); not built: "
                 "test_srtp_xcheck, test_srtp_limits, test_srtp_impl_libsrtp2, "
                 "test_dp*, lr-bench-srtp (libsrtp2 is their oracle)")
endif()
