# Project-wide helpers: every library and test is declared through these so warnings and
# test registration stay uniform.

set(SHOAL_WARNINGS -Wall -Wextra -Wno-unused-parameter)

# shoal_add_library(name SOURCES a.cc b.cc DEPS x y)
function(shoal_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(${name} PRIVATE ${SHOAL_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# shoal_add_test(name SOURCES a_test.cc DEPS lib LABELS unit)
function(shoal_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT SHOAL_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${SHOAL_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()

# The single-node Ceph of scripts/test-ceph.sh, as a CTest fixture: started before the first test
# that needs it, destroyed after the last, also when tests fail. Each build directory has its own.
function(shoal_define_test_ceph_fixture)
  set(dir ${CMAKE_BINARY_DIR}/test-ceph)
  add_test(NAME test_ceph_start COMMAND ${PROJECT_SOURCE_DIR}/scripts/test-ceph.sh start)
  add_test(NAME test_ceph_destroy COMMAND ${PROJECT_SOURCE_DIR}/scripts/test-ceph.sh destroy)
  set_tests_properties(test_ceph_start PROPERTIES FIXTURES_SETUP ceph ENVIRONMENT "TEST_CEPH_DIR=${dir}"
                       LABELS "ceph" TIMEOUT 180)
  set_tests_properties(test_ceph_destroy PROPERTIES FIXTURES_CLEANUP ceph ENVIRONMENT "TEST_CEPH_DIR=${dir}"
                       LABELS "ceph" TIMEOUT 180)
endfunction()

# shoal_require_test_ceph(test): `test` runs against that Ceph (see testing/test_ceph.h).
function(shoal_require_test_ceph name)
  get_test_property(${name} LABELS labels)
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED ceph LABELS "${labels};ceph"
                       ENVIRONMENT "TEST_CEPH_DIR=${CMAKE_BINARY_DIR}/test-ceph;SHOAL_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
