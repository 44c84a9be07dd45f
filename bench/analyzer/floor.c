/*
 * floor.c: what any analyzer built on libclang's C API pays before it
 * analyses anything, to put vtlint's own cost beside it (floor.sh).
 *
 *   floor MODE FILE... -- CLANG-ARGS...
 *
 * MODE parse: parse each file as vtlint does (-w, KeepGoing,
 *             IgnoreNonErrorsFromIncludedFiles), then dispose of it;
 *      visit: also find the main file's function definitions and visit
 *             every cursor of each body once (clang_visitChildren, recursing);
 *      query: also ask each visited cursor its type and what it refers to,
 *             the least a checker must know of a node to tell a vtask.
 * Prints the number of function bodies and cursors seen.
 */
#include <clang-c/Index.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum mode { PARSE, VISIT, QUERY };

struct tally {
	enum mode mode;
	unsigned long fns, cursors, kinds; /* kinds: keeps the queries from being dropped */
};

static enum CXChildVisitResult body_node(CXCursor c, CXCursor parent, CXClientData d)
{
	struct tally *t = d;

	(void)parent;
	t->cursors++;
	if (t->mode == QUERY) {
		t->kinds += (unsigned)clang_getCursorType(c).kind;
		t->kinds += (unsigned)clang_getCursorKind(clang_getCursorReferenced(c));
	}
	return CXChildVisit_Recurse;
}

static enum CXChildVisitResult top_decl(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_FunctionDecl && clang_isCursorDefinition(c) &&
	    clang_Location_isFromMainFile(clang_getCursorLocation(c))) {
		((struct tally *)d)->fns++;
		clang_visitChildren(c, body_node, d);
	}
	return CXChildVisit_Continue;
}

static int parse_one(CXIndex idx, const char *path, const char **args, int nargs, struct tally *t)
{
	CXTranslationUnit tu;

	if (clang_parseTranslationUnit2(idx, path, args, nargs, NULL, 0,
					CXTranslationUnit_KeepGoing |
						CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles,
					&tu) != CXError_Success) {
		fprintf(stderr, "floor: %s: cannot parse\n", path);
		return 1;
	}
	if (t->mode != PARSE)
		clang_visitChildren(clang_getTranslationUnitCursor(tu), top_decl, t);
	clang_disposeTranslationUnit(tu);
	return 0;
}

int main(int argc, char **argv)
{
	struct tally t = { 0 };
	const char **args = calloc((size_t)argc + 1, sizeof *args);
	int nargs = 0, dash = argc, bad = 0;
	CXIndex idx;

	if (argc < 3 || !args)
		return fprintf(stderr, "usage: floor parse|visit|query FILE... -- ARGS...\n"), 2;
	t.mode = !strcmp(argv[1], "visit") ? VISIT : !strcmp(argv[1], "query") ? QUERY : PARSE;
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--") && dash == argc)
			dash = i;
		else if (dash < argc)
			args[nargs++] = argv[i];
	args[nargs++] = "-w";
	idx = clang_createIndex(0, 0);
	for (int i = 2; i < dash; i++)
		bad |= parse_one(idx, argv[i], args, nargs, &t);
	clang_disposeIndex(idx);
	printf("%lu functions, %lu cursors (%lu)\n", t.fns, t.cursors, t.kinds);
	free(args);
	return bad ? 2 : 0;
}
