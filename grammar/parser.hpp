// Parses model text into an ast::Model. The only entry point of grammar/; the
// Spirit X3 grammar itself is hidden in parser.cpp and friends.
#pragma once

#include "compiler/diag/diagnostic.hpp"
#include "compiler/diag/source_file.hpp"
#include "grammar/ast.hpp"

namespace gradc {

// Reports syntax errors into `diagnostics`. On error the returned model holds the
// statements that parsed (possibly none); callers check diagnostics.hasErrors().
ast::Model parseModel(const SourceFile& source, Diagnostics& diagnostics);

// Names the language reserves: keywords and built-in function names.
bool isReservedWord(std::string_view word);

}  // namespace gradc
