# cmake -DPAGE=<mdsyncctl.1> -DEXE=<mdsyncctl> -P usage-verbatim.cmake
# help2man reflows mdsyncctl's two-column command list into run-on paragraphs. This puts the "Commands:" part
# of `mdsyncctl --help` into the page verbatim (.nf/.fi) instead, escaped for roff.
execute_process(COMMAND ${EXE} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
file(READ ${PAGE} page)
string(FIND "${help}" "\nCommands:\n" h0)
string(FIND "${help}" "\nOptions:\n" h1)
string(FIND "${page}" ".SS \"Commands:\"\n" p0)
string(FIND "${page}" "\n.SH OPTIONS\n" p1) # help2man turns "Options:" into a section
if(NOT rc EQUAL 0 OR h0 LESS 0 OR h1 LESS 0 OR p0 LESS 0 OR p1 LESS 0)
    message(WARNING "usage-verbatim: no Commands:/Options: sections found; ${PAGE} left as help2man wrote it")
    return()
endif()
math(EXPR h0 "${h0} + 11")
math(EXPR p1 "${p1} + 1")
math(EXPR len "${h1} - ${h0}")
string(SUBSTRING "${help}" ${h0} ${len} block)
string(REPLACE "\\" "\\e" block "${block}")
string(REPLACE "-" "\\-" block "${block}")
string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" block "${block}")
string(SUBSTRING "${page}" 0 ${p0} head)
string(SUBSTRING "${page}" ${p1} -1 tail)
file(WRITE ${PAGE} "${head}.SS \"Commands:\"\n.nf\n${block}\n.fi\n${tail}")
