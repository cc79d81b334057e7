// Semantic analysis: resolves names, checks the rules of the language, inlines
// defs, folds consts and takes every `grad`, producing the model's graph.
#pragma once

#include "compiler/diag/diagnostic.hpp"
#include "compiler/sema/model.hpp"
#include "grammar/ast.hpp"

namespace gradc {

// Errors and warnings go to `diagnostics`; the model is meaningful only when
// !diagnostics.hasErrors(). A model whose graph would pass `nodeLimit` nodes is an
// error at the def call, grad or statement that grew it.
ModelGraph analyze(const ast::Model& syntax, const SourceFile& source, Diagnostics& diagnostics,
                   size_t nodeLimit = kDefaultNodeLimit);

}  // namespace gradc
