# vt_add_test(NAME name COMMAND cmd args... [LABELS l...] [NO_VALGRIND])
#
# Registers a test and, when VT_VALGRIND is on and valgrind exists, a
# "memcheck.<name>" twin that runs the same command under valgrind with
# --leak-check=full, failing on any error or definite leak.
find_program(VALGRIND_EXECUTABLE valgrind)
set(VT_VALGRIND_ARGS --quiet --leak-check=full --errors-for-leak-kinds=definite
    --error-exitcode=99 --track-origins=yes)

function(vt_add_test)
  cmake_parse_arguments(T "NO_VALGRIND" "NAME;TIMEOUT" "COMMAND;LABELS;ENVIRONMENT" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_COMMAND})
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
  if(T_ENVIRONMENT)
    set_tests_properties(${T_NAME} PROPERTIES ENVIRONMENT "${T_ENVIRONMENT}")
  endif()
  if(VT_VALGRIND AND VALGRIND_EXECUTABLE AND NOT T_NO_VALGRIND)
    list(GET T_COMMAND 0 exe)
    list(REMOVE_AT T_COMMAND 0)
    if(TARGET ${exe})
      set(exe $<TARGET_FILE:${exe}>)
    endif()
    math(EXPR vg_timeout "${T_TIMEOUT} * 4")
    add_test(NAME memcheck.${T_NAME}
             COMMAND ${VALGRIND_EXECUTABLE} ${VT_VALGRIND_ARGS} ${exe} ${T_COMMAND})
    set_tests_properties(memcheck.${T_NAME} PROPERTIES TIMEOUT ${vg_timeout}
                         LABELS "memcheck;${T_LABELS}")
    if(T_ENVIRONMENT)
      set_tests_properties(memcheck.${T_NAME} PROPERTIES ENVIRONMENT "${T_ENVIRONMENT}")
    endif()
  endif()
endfunction()
