#include "runtime/llvm/ir_emitter.hpp"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "compiler/graph/op_semantics.hpp"
#include "compiler/lower/loop_rerolling.hpp"
#include "compiler/lower/vector_packs.hpp"
#include "compiler/math/exp_family.hpp"
#include "runtime/llvm/ir_arithmetic.hpp"
#include "runtime/llvm/row_segments.hpp"

namespace gradc::runtime {
namespace {

// GRADC_LOOPS=0, GRADC_PACKS=0 and GRADC_SEGMENTS=0, to measure what they bring
// (the last changes only the code, not the results: with --no-cache).
bool turnedOffInEnvironment(const char* variable) {
  const char* value = std::getenv(variable);
  return value && std::string(value) == "0";
}

using llvm::IRBuilder;
using llvm::Value;

class KernelEmitter {
 public:
  KernelEmitter(llvm::LLVMContext& ctx, const KernelProgram& program, const std::string& name, bool fastPath,
                bool largeParts, bool vectorParts, ModuleSlice slice)
      : ctx_(ctx),
        program_(program),
        name_(name),
        fastPath_(fastPath),
        largeParts_(largeParts),
        vectorParts_(vectorParts),
        slice_(slice),
        module_(std::make_unique<llvm::Module>(name, ctx)),
        builder_(ctx),
        f64_(llvm::Type::getDoubleTy(ctx)),
        i64_(llvm::Type::getInt64Ty(ctx)),
        ptr_(llvm::PointerType::getUnqual(ctx)) {}

  std::unique_ptr<llvm::Module> run() {
    if (fastPath_) module_->addModuleFlag(llvm::Module::Warning, "gradc.fast-path", 1);
    if (largeParts_) module_->addModuleFlag(llvm::Module::Warning, "gradc.large-parts", 1);
    if (slice_.index == 0) {
      emitBatch();
      emitSinglePoint();
    } else {
      std::vector<Chunk> chunks = planChunks();
      for (size_t c = 0; c < chunks.size(); ++c)
        if (sliceOf(c, chunks.size()) == slice_.index) emitChunkFunction(chunks[c], c);
    }
    if (shouldVerify()) {
      std::string problems;
      llvm::raw_string_ostream out(problems);
      if (llvm::verifyModule(*module_, &out))
        throw std::logic_error("gradc produced invalid LLVM IR: " + problems);
    }
    return std::move(module_);
  }

 private:
  struct Args {
    Value* n;
    Value* p;
    Value* inputs;
    Value* params;
    Value* outputs;
    Value* scratch;           // null when the kernel is one function
    Value* stride = nullptr;  // of a block
  };

  struct Chunk {
    uint32_t begin, end;  // instructions [begin, end)
  };

  // LLVM's verifier takes 7% of the fast path's time (the 10th nested-sin
  // derivative: 167M of 2,370M instructions), where compile time is the point: it
  // is skipped there in release builds. Debug builds (the asan and fuzz presets,
  // which CI runs on every kernel the tests and fuzzers make) verify every module.
  bool shouldVerify() const {
#ifdef NDEBUG
    return !fastPath_;
#else
    return true;
#endif
  }

  // void NAME_batch(size_t n, const double *inputs, const double *params, double *outputs)
  void emitBatch() {
    auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), {i64_, ptr_, ptr_, ptr_}, false);
    auto* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name_ + "_batch", *module_);
    f->setAlignment(llvm::Align(64));
    f->setDoesNotThrow();
    for (unsigned i = 1; i <= 3; ++i) f->addParamAttr(i, llvm::Attribute::NoAlias);
    f->addParamAttr(1, llvm::Attribute::ReadOnly);
    f->addParamAttr(2, llvm::Attribute::ReadOnly);
    Args args{f->getArg(0), nullptr, f->getArg(1), f->getArg(2), f->getArg(3), nullptr};

    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", f);
    auto* loop = llvm::BasicBlock::Create(ctx_, "point", f);
    auto* done = llvm::BasicBlock::Create(ctx_, "done", f);
    builder_.SetInsertPoint(entry);
    std::vector<Chunk> chunks = planChunks();
    if (chunks.empty()) {
      emitBlocks(f, loop, done, batchLanes(), [&](const Args& block) {
        floatType_ = llvm::FixedVectorType::get(f64_, batchLanes());
        emitRange(0, static_cast<uint32_t>(program_.code.size()), block);
        floatType_ = f64_;
      });
      return;
    }
    size_t vectorStack =
        (size_t{slotCount_} + program_.inputNames.size() + program_.outputs.size()) * kVectorLanes;
    if (vectorParts_ && vectorStack <= kMaxVectorStack) return emitVectorBatch(f, loop, done, chunks);
    args.scratch = builder_.CreateAlloca(f64_, builder_.getInt64(slotCount_), "scratch");
    builder_.CreateCondBr(builder_.CreateICmpEQ(args.n, builder_.getInt64(0)), done, loop);

    builder_.SetInsertPoint(loop);
    llvm::PHINode* p = builder_.CreatePHI(i64_, 2, "p");
    p->addIncoming(builder_.getInt64(0), entry);
    args.p = p;
    {
      // A very large kernel is several functions, so that LLVM's time stays linear:
      // values crossing from one to another go through a scratch array. The parts
      // see one point's inputs and outputs side by side (constant offsets, where a
      // row of a batch needs a multiply and an add for every input and output).
      Value* pointInputs = localArray(program_.inputNames.size(), "point_inputs");
      Value* pointOutputs = localArray(program_.outputs.size(), "point_outputs");
      copyRows(program_.inputNames.size(), [&](Value* i) {
        builder_.CreateStore(builder_.CreateLoad(f64_, rowElement(args.inputs, i, args)),
                             elementAt(pointInputs, i));
      });
      for (size_t c = 0; c < chunks.size(); ++c)
        parts_.push_back(sliceOf(c, chunks.size()) == 0 ? emitChunkFunction(chunks[c], c)
                                                        : chunkPrototype(c));
      for (llvm::Function* part : parts_)
        builder_.CreateCall(part, {pointInputs, args.params, pointOutputs, args.scratch});
      copyRows(program_.outputs.size(), [&](Value* k) {
        builder_.CreateStore(builder_.CreateLoad(f64_, elementAt(pointOutputs, k)),
                             rowElement(args.outputs, k, args));
      });
    }
    Value* next = builder_.CreateAdd(p, builder_.getInt64(1), "next", /*HasNUW=*/true);
    p->addIncoming(next, builder_.GetInsertBlock());
    builder_.CreateCondBr(builder_.CreateICmpEQ(next, args.n), done, loop);

    builder_.SetInsertPoint(done);
    builder_.CreateRetVoid();
  }

  // The batch of a split kernel, ahead of time and at -O3: each part emitted a
  // second time on vectors of kVectorLanes points (its scratch slots vectors too),
  // called on blocks of points as emitBlocks runs a one-function kernel. A chain of
  // dependent operations (deep_tanh_1000's 1,000 tanh) then runs four points at
  // once, where point by point the processor waits on each link. Twice the parts
  // to compile, so not on the fast path; kernels with loops (whose lanes are
  // iterations) keep the point-by-point batch.
  // Its scratch slots and local rows (four doubles each) live on the stack: at most
  // 256 KB of them, so that a thread with a small stack can still run a batch.
  static constexpr size_t kMaxVectorStack = 32768;  // doubles
  void emitVectorBatch(llvm::Function* f, llvm::BasicBlock* loop, llvm::BasicBlock* done,
                       const std::vector<Chunk>& chunks) {
    for (size_t c = 0; c < chunks.size(); ++c) parts_.push_back(emitChunkFunction(chunks[c], c));
    std::vector<llvm::Function*> vectorParts;
    for (size_t c = 0; c < chunks.size(); ++c) vectorParts.push_back(emitVectorChunkFunction(chunks[c], c));
    Value* scratch = localArray(size_t{slotCount_} * kVectorLanes, "vector_scratch");
    Value* params = f->getArg(2);
    emitBlocks(f, loop, done, kVectorLanes, [&](const Args& block) {
      for (llvm::Function* part : vectorParts)
        builder_.CreateCall(part, {block.inputs, params, block.outputs, scratch, block.stride});
    });
  }

  // A part on vectors: (rows of inputs, params, rows of outputs, scratch, the rows' stride).
  llvm::Function* emitVectorChunkFunction(const Chunk& chunk, size_t index) {
    auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), {ptr_, ptr_, ptr_, ptr_, i64_}, false);
    auto* f = llvm::Function::Create(type, llvm::Function::InternalLinkage,
                                     name_ + "_vector_part" + std::to_string(index), *module_);
    f->setDoesNotThrow();
    f->addFnAttr(llvm::Attribute::NoInline);
    llvm::IRBuilderBase::InsertPointGuard guard(builder_);
    builder_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", f));
    Args args{nullptr, nullptr, f->getArg(0), f->getArg(1), f->getArg(2), f->getArg(3), f->getArg(4)};
    floatType_ = llvm::FixedVectorType::get(f64_, kVectorLanes);
    emitRange(chunk.begin, chunk.end, args);
    floatType_ = f64_;
    builder_.CreateRetVoid();
    return f;
  }

  // Where a value crossing parts is kept: a double of the scratch array, or in a
  // vector part (args.stride) a vector of kVectorLanes of them.
  Value* slotAddress(const Args& args, uint32_t slot) {
    uint64_t scale = args.stride ? kVectorLanes : 1;
    return elementAt(args.scratch, builder_.getInt64(uint64_t{slot} * scale));
  }
  void storeSlot(const Args& args, uint32_t slot, Value* value) {
    builder_.CreateAlignedStore(value, slotAddress(args, slot), llvm::Align(8));
  }
  Value* loadSlot(const Args& args, uint32_t slot, bool boolean) {
    llvm::Type* type = boolean ? builder_.getInt1Ty() : f64_;
    if (args.stride) type = llvm::FixedVectorType::get(type, kVectorLanes);
    return builder_.CreateAlignedLoad(type, slotAddress(args, slot), llvm::Align(8));
  }

  // The batch of a kernel that is one function: a loop over blocks of laneCount
  // points, each point in a lane of vectors; the first and last blocks may be partial
  // and go through local rows of that many lanes, with masked loads and stores.
  // Blocks start where the output rows' vectors start on a vector boundary (the
  // first block reaching below point 0, those lanes masked off): malloc's large
  // blocks are 16 bytes past one, and there half of the vector stores would straddle
  // two cache lines (mlp's 322 rows: 1.8 million points a second against 3.6 once
  // aligned, on this project's machine). With n a multiple of laneCount every
  // row is then aligned; otherwise some rows stay as they were. Lanes compute
  // what the scalar code computes (the ops are IEEE arithmetic, selects, calls per
  // lane, and compiler/math's functions), so a batch gives a single point's bits. The
  // body is emitted once, in the loop, so that LLVM hoists what depends on the
  // parameters alone (mixture's exp(ls_i)) out of it.
  // `loop` and `done` are empty blocks of f; the entry block is being emitted.
  // `emitBody(block)` computes a block from block.inputs and block.outputs, rows
  // of block.stride (the caller's rows, or local rows for the last points).
  template <typename EmitBody>
  void emitBlocks(llvm::Function* f, llvm::BasicBlock* loop, llvm::BasicBlock* done, unsigned laneCount,
                  EmitBody emitBody) {
    Value* n = f->getArg(0);
    Value* inputs = f->getArg(1);
    Value* params = f->getArg(2);
    Value* outputs = f->getArg(3);
    Value* laneStep = builder_.getInt64(laneCount);
    // Blocks from p = first (0 or head - laneCount, below 0 as a signed number)
    // in steps of laneCount; a block is full when p <u fullLimit = n - laneStep + 1.
    Value* head = builder_.CreateAnd(
        builder_.CreateLShr(builder_.CreateNeg(builder_.CreatePtrToInt(outputs, i64_)), builder_.getInt64(3)),
        builder_.getInt64(laneCount - 1), "head");
    Value* first = builder_.CreateSelect(builder_.CreateICmpEQ(head, builder_.getInt64(0)), head,
                                         builder_.CreateSub(head, laneStep), "first");
    Value* fullLimit =
        builder_.CreateSelect(builder_.CreateICmpULT(n, laneStep), builder_.getInt64(0),
                              builder_.CreateSub(n, builder_.getInt64(laneCount - 1)), "full_limit");
    Value* localInputs = localArray(program_.inputNames.size() * laneCount, "lane_inputs");
    Value* localOutputs = localArray(program_.outputs.size() * laneCount, "lane_outputs");
    llvm::BasicBlock* entry = builder_.GetInsertBlock();
    auto* gather = llvm::BasicBlock::Create(ctx_, "gather", f);
    auto* body = llvm::BasicBlock::Create(ctx_, "block", f);
    auto* latch = llvm::BasicBlock::Create(ctx_, "next_block", f);
    builder_.CreateCondBr(builder_.CreateICmpEQ(n, builder_.getInt64(0)), done, loop);

    builder_.SetInsertPoint(loop);
    llvm::PHINode* p = builder_.CreatePHI(i64_, 2, "p");
    p->addIncoming(first, entry);
    Value* inFull = builder_.CreateICmpULT(p, fullLimit, "in_full");
    Value* pointInputs = elementAt(inputs, p);
    Value* pointOutputs = elementAt(outputs, p);
    auto* vector = llvm::FixedVectorType::get(f64_, laneCount);
    std::vector<llvm::Constant*> laneNumbers;
    for (unsigned k = 0; k < laneCount; ++k) laneNumbers.push_back(builder_.getInt64(k));
    Value* points =
        builder_.CreateAdd(builder_.CreateVectorSplat(laneCount, p), llvm::ConstantVector::get(laneNumbers));
    Value* mask = builder_.CreateICmpULT(points, builder_.CreateVectorSplat(laneCount, n));
    builder_.CreateCondBr(inFull, body, gather);

    // The first or last points: laneStep outside 0..n-1 are zeros, computed and
    // dropped. (Not an inbounds address: the first block's may point before row 0.)
    builder_.SetInsertPoint(gather);
    auto rowOf = [&](Value* base, Value* row) {
      return builder_.CreateGEP(f64_, base, builder_.CreateAdd(builder_.CreateMul(row, n), p));
    };
    auto localRow = [&](Value* base, Value* row) {
      return elementAt(base, builder_.CreateMul(row, laneStep));
    };
    copyRows(program_.inputNames.size(), [&](Value* i) {
      Value* row = builder_.CreateMaskedLoad(vector, rowOf(inputs, i), llvm::Align(8), mask,
                                             llvm::Constant::getNullValue(vector));
      builder_.CreateAlignedStore(row, localRow(localInputs, i), llvm::Align(8));
    });
    llvm::BasicBlock* gathered = builder_.GetInsertBlock();
    builder_.CreateBr(body);

    builder_.SetInsertPoint(body);
    auto phi = [&](Value* fromFull, Value* fromGather, const char* name) {
      llvm::PHINode* v = builder_.CreatePHI(fromFull->getType(), 2, name);
      v->addIncoming(fromFull, loop);
      v->addIncoming(fromGather, gathered);
      return v;
    };
    Value* blockInputs = phi(pointInputs, localInputs, "block_inputs");
    Value* blockOutputs = phi(pointOutputs, localOutputs, "block_outputs");
    Value* stride = phi(n, laneStep, "stride");
    emitBody(Args{nullptr, nullptr, blockInputs, params, blockOutputs, nullptr, stride});
    auto* scatter = llvm::BasicBlock::Create(ctx_, "scatter", f);
    builder_.CreateCondBr(inFull, latch, scatter);

    builder_.SetInsertPoint(scatter);
    copyRows(program_.outputs.size(), [&](Value* k) {
      Value* row = builder_.CreateAlignedLoad(vector, localRow(localOutputs, k), llvm::Align(8));
      builder_.CreateMaskedStore(row, rowOf(outputs, k), llvm::Align(8), mask);
    });
    builder_.CreateBr(latch);

    builder_.SetInsertPoint(latch);
    Value* next = builder_.CreateAdd(p, laneStep, "next", /*HasNUW=*/true);
    p->addIncoming(next, latch);
    // next is at least 0 from the second block on (the first ends at head).
    builder_.CreateCondBr(builder_.CreateICmpULT(next, n), loop, done);

    builder_.SetInsertPoint(done);
    builder_.CreateRetVoid();
  }

  // An array of `count` doubles (at least one) in the entry block of the function
  // being emitted.
  Value* localArray(size_t count, const char* name) {
    llvm::IRBuilderBase::InsertPointGuard guard(builder_);
    llvm::BasicBlock& entry = builder_.GetInsertBlock()->getParent()->getEntryBlock();
    builder_.SetInsertPoint(&entry, entry.getFirstInsertionPt());
    return builder_.CreateAlloca(f64_, builder_.getInt64(std::max<size_t>(count, 1)), name);
  }

  // A loop calling `body` with i = 0 .. count-1 (nothing when count is 0): a copy
  // loop stays a few instructions whatever the number of rows.
  template <typename Body>
  void copyRows(size_t count, Body body) {
    countedLoop(count, 1, "row", body);
  }

  // A loop calling `body` with i = 0, step, 2 step, ... below count, a multiple of
  // step (nothing when count is 0).
  template <typename Body>
  void countedLoop(size_t count, size_t step, const char* name, Body body) {
    if (count != 0) runtimeLoop(builder_.getInt64(count), step, name, body);
  }

  // void NAME(const double *inputs, const double *params, double *outputs). A small
  // kernel gets its own straight-line body (no loop to enter for one point); a split
  // kernel calls its parts on the caller's arrays.
  void emitSinglePoint() {
    auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), {ptr_, ptr_, ptr_}, false);
    auto* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name_, *module_);
    // Where straight-line code starts within a cache line moved lennard_jones_16
    // by 25% (the same instructions, 16 or 32 bytes into a line): start on a line.
    f->setAlignment(llvm::Align(64));
    f->setDoesNotThrow();
    for (unsigned i = 0; i < 3; ++i) f->addParamAttr(i, llvm::Attribute::NoAlias);
    builder_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", f));
    if (parts_.empty()) {
      Args args{nullptr, nullptr, f->getArg(0), f->getArg(1), f->getArg(2), nullptr};
      emitRange(0, static_cast<uint32_t>(program_.code.size()), args);
    } else {
      Value* scratch = builder_.CreateAlloca(f64_, builder_.getInt64(slotCount_), "scratch");
      for (llvm::Function* part : parts_)
        builder_.CreateCall(part, {f->getArg(0), f->getArg(1), f->getArg(2), scratch});
    }
    builder_.CreateRetVoid();
  }

  // Rows of a batch: input i of point p at inputs[i*n + p]; n and p are null where
  // the arrays hold one point (inputs[i]). With a stride, the arrays hold the
  // points of a block, one in each lane of a vector: inputs[i*stride + lane].

  // Kernels above twice this many instructions are split into functions of about
  // this size. Parts of 2,000 leave the SLP vectoriser whole terms to pack
  // (lennard_jones_16 runs 1.8 times faster than with parts of 400), but LLVM's
  // -O2 code generator takes superlinear time in a function's size (parts of 2,000
  // tripled the compile time of lennard_jones_64), and the fast code generator's
  // code gets worse as functions grow: see useLargeParts for where 2,000 applies.
  uint32_t chunkSize() const { return largeParts_ ? 2000 : 400; }

  // How much LLVM's time grows with an instruction: leaves are loaded where they are
  // used; a pack's lanes count one each (a pack counted as one made parts four times
  // larger, and LLVM's time in a function grows faster than its size: rosenbrock_1000
  // took 2.9 times longer to compile, for 1% fewer instructions a call).
  uint32_t weight(const KernelInstruction& ins) const {
    if (ins.source == OperandSource::Loop)
      return static_cast<uint32_t>(program_.loops[ins.index].body.code.size());
    return ins.source == OperandSource::Computed ? 1 : 0;
  }

  // Splits the instruction list and gives a scratch slot to every computed value used
  // outside its own chunk (a pack: one slot per lane, consecutive, so that it is
  // stored and loaded as a vector; a logsumexp: three, see slotWidth). Slots are
  // reused once a value's last user has run.
  std::vector<Chunk> planChunks() {
    uint32_t count = static_cast<uint32_t>(program_.code.size());
    uint32_t size = chunkSize();
    uint32_t total = 0;
    for (const KernelInstruction& ins : program_.code) total += weight(ins);
    // A kernel with loops is always parts: their arrays are in the scratch array.
    if (total <= 2 * size && program_.loops.empty()) return {};
    std::vector<Chunk> chunks;
    std::vector<uint32_t> chunkIndex(count);
    for (uint32_t b = 0; b < count;) {
      uint32_t e = b;
      for (uint32_t w = 0; e < count && (w < size || program_.code[e].lane != 0); ++e)
        w += weight(program_.code[e]);  // a pack is never split
      std::fill(chunkIndex.begin() + b, chunkIndex.begin() + e, static_cast<uint32_t>(chunks.size()));
      chunks.push_back({b, e});
      b = e;
    }
    auto chunkOf = [&chunkIndex](uint32_t value) { return chunkIndex[value]; };
    std::vector<uint32_t> lastUse(count, 0);  // the last chunk using a value elsewhere (0: none)
    for (uint32_t v = 0; v < count; ++v)
      for (uint32_t a : program_.args(program_.code[v]))
        if (chunkOf(a) != chunkOf(v)) lastUse[a] = std::max(lastUse[a], chunkOf(v));
    slot_.assign(count, UINT32_MAX);
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> freedAfter(chunks.size());  // slot, width
    std::vector<std::vector<uint32_t>> freeSlots(256);                                  // by width
    for (size_t c = 0; c < chunks.size(); ++c) {
      for (uint32_t v = chunks[c].begin; v < chunks[c].end; ++v) {
        const KernelInstruction& ins = program_.code[v];
        if (ins.source != OperandSource::Computed || ins.lane != 0) continue;
        uint32_t last = 0;
        for (uint32_t m = v; m < v + ins.width; ++m) last = std::max(last, lastUse[m]);
        if (last == 0) continue;
        uint32_t width = slotWidth(ins);
        std::vector<uint32_t>& free = freeSlots[width];
        if (free.empty()) free.push_back(slotCount_), slotCount_ += width;
        uint32_t base = free.back();
        free.pop_back();
        for (uint32_t m = v; m < v + ins.width; ++m) slot_[m] = base + (m - v);
        freedAfter[last].emplace_back(base, width);
      }
      // A slot read in chunk c can be written again from chunk c+1 on.
      for (auto [base, width] : freedAfter[c]) freeSlots[width].push_back(base);
    }
    layouts_.resize(program_.loops.size());
    for (const KernelInstruction& ins : program_.code)
      if (ins.source == OperandSource::Loop) planLoop(ins);
    return chunks;
  }

  // Where a loop keeps its arrays in the scratch array, and how each body input is
  // read. A row that is consecutive inputs (or params) of the kernel is read from
  // there, as vectors; any other row (gathered inputs, computed values) is copied
  // into the scratch array before the loop: reading it lane by lane in the loop,
  // or with AVX2's gathers, took Lennard-Jones 16 1.6 times as long. Rows and
  // results are padded to whole vectors (a copied row repeats its last value, a
  // row that ends with its array is read with a mask) so that the loop has no
  // remainder.
  enum class RowKind : uint8_t { Inputs, Params, Scratch };
  struct LoopLayout {
    uint32_t padded = 0;  // iterations, rounded up to whole vectors
    std::vector<RowKind> rowKind;
    std::vector<uint32_t> rowStart;  // Inputs, Params: the first index; Scratch: the slot
    std::vector<bool> rowMasked;     // the padding would read past the array's end
    uint32_t resultSlot = 0;         // output q of iteration k at resultSlot + q * padded + k
    // Rows read segment by segment where they are (row_segments.hpp); then the rows
    // of a stride > 0 are read from copies of every stride-th element, at copySlot.
    std::optional<SegmentedRows> segments;
    std::vector<uint32_t> copySlot, copySize;
  };

  void planLoop(const KernelInstruction& instruction) {
    const KernelLoop& loop = program_.loops[instruction.index];
    std::span<const uint32_t> args = program_.args(instruction);
    LoopLayout& layout = layouts_[instruction.index];
    uint32_t n = loop.iterations;
    layout.padded = (n + kVectorLanes - 1) / kVectorLanes * kVectorLanes;
    size_t params = loop.body.paramNames.size();
    if (planSegments(instruction, layout)) return;
    for (size_t p = 0; p < loop.body.inputNames.size(); ++p) {
      std::span<const uint32_t> row = args.subspan(params + p * n, n);
      const KernelInstruction& first = program_.code[row[0]];
      size_t available = first.source == OperandSource::Input   ? program_.inputNames.size()
                         : first.source == OperandSource::Param ? program_.paramNames.size()
                                                                : 0;
      bool consecutive = first.index + n <= available;
      for (uint32_t k = 0; consecutive && k < n; ++k)
        consecutive =
            program_.code[row[k]].source == first.source && program_.code[row[k]].index == first.index + k;
      RowKind kind = !consecutive                           ? RowKind::Scratch
                     : first.source == OperandSource::Input ? RowKind::Inputs
                                                            : RowKind::Params;
      layout.rowKind.push_back(kind);
      layout.rowStart.push_back(kind == RowKind::Scratch ? slotCount_ : first.index);
      layout.rowMasked.push_back(kind != RowKind::Scratch && first.index + layout.padded > available);
      if (kind == RowKind::Scratch) slotCount_ += layout.padded;
    }
    layout.resultSlot = slotCount_;
    slotCount_ += static_cast<uint32_t>(loop.body.outputs.size()) * layout.padded;
  }

  // Segments for a loop whose operands are all inputs and params; the last
  // segment's vectors may run kVectorLanes - 1 iterations past the end, which the
  // result arrays and the copies are padded for.
  bool planSegments(const KernelInstruction& instruction, LoopLayout& layout) {
    if (turnedOffInEnvironment("GRADC_SEGMENTS")) return false;
    const KernelLoop& loop = program_.loops[instruction.index];
    std::span<const uint32_t> args = program_.args(instruction);
    uint32_t n = loop.iterations;
    size_t params = loop.body.paramNames.size();
    std::vector<std::vector<RowElement>> rows(loop.body.inputNames.size());
    for (size_t p = 0; p < rows.size(); ++p)
      for (uint32_t v : args.subspan(params + p * n, n)) {
        const KernelInstruction& e = program_.code[v];
        if (e.source != OperandSource::Input && e.source != OperandSource::Param) return false;
        rows[p].push_back({e.source == OperandSource::Input ? RowArray::Inputs : RowArray::Params, e.index});
      }
    layout.segments = segmentRows(rows, n);
    if (!layout.segments) return false;
    for (const SegmentedRows::Row& row : layout.segments->rows) {
      uint32_t size = row.stride ? row.count : 0;  // never more than the row itself
      layout.copySlot.push_back(slotCount_);
      layout.copySize.push_back(size);
      if (size) slotCount_ += size + kVectorLanes;
    }
    layout.padded += kVectorLanes;
    layout.resultSlot = slotCount_;
    slotCount_ += static_cast<uint32_t>(loop.body.outputs.size()) * layout.padded;
    return true;
  }

  // A logsumexp's slots hold its value, shift and scale: softmax weights in later
  // chunks need all three (LogsumexpValues).
  static uint32_t slotWidth(const KernelInstruction& ins) { return ins.op == Op::Logsumexp ? 3 : ins.width; }

  // Which module of the slice count defines chunk c: contiguous runs of chunks.
  unsigned sliceOf(size_t c, size_t chunkCount) const {
    return static_cast<unsigned>(c * slice_.count / chunkCount);
  }

  // A part is internal to its module, unless the kernel is several modules: then
  // it is a hidden symbol that the JIT links across them.
  llvm::Function* chunkPrototype(size_t index) {
    // (one point's inputs, params, one point's outputs, scratch)
    auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), {ptr_, ptr_, ptr_, ptr_}, false);
    auto linkage = slice_.count > 1 ? llvm::Function::ExternalLinkage : llvm::Function::InternalLinkage;
    auto* f = llvm::Function::Create(type, linkage, name_ + "_part" + std::to_string(index), *module_);
    if (slice_.count > 1) f->setVisibility(llvm::GlobalValue::HiddenVisibility);
    f->setDoesNotThrow();
    return f;
  }

  llvm::Function* emitChunkFunction(const Chunk& chunk, size_t index) {
    llvm::Function* f = chunkPrototype(index);
    f->addFnAttr(llvm::Attribute::NoInline);
    llvm::IRBuilderBase::InsertPointGuard guard(builder_);
    builder_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", f));
    Args args{nullptr, nullptr, f->getArg(0), f->getArg(1), f->getArg(2), f->getArg(3)};
    emitRange(chunk.begin, chunk.end, args);
    builder_.CreateRetVoid();
    return f;
  }

  // The lanes of the vectors being emitted (1 on scalars).
  unsigned lanes() const {
    auto* vector = llvm::dyn_cast<llvm::FixedVectorType>(floatType_);
    return vector ? vector->getNumElements() : 1;
  }
  Value* elementAt(Value* base, Value* index) { return builder_.CreateInBoundsGEP(f64_, base, index); }
  Value* rowElement(Value* base, uint32_t row, const Args& args) {
    return rowElement(base, builder_.getInt64(row), args);
  }
  Value* rowElement(Value* base, Value* row, const Args& args) {
    if (args.stride) return elementAt(base, builder_.CreateMul(row, args.stride));
    if (!args.n) return elementAt(base, row);
    return elementAt(base, builder_.CreateAdd(builder_.CreateMul(row, args.n), args.p));
  }

  // Computes instructions [begin, end) of the current point, and stores the outputs
  // among them (and, for the last range, the outputs that are leaves).
  void emitRange(uint32_t begin, uint32_t end, const Args& args) {
    RangeValues values(valueOfRange_, program_.code.size());
    std::unordered_map<uint32_t, Value*> vectors;  // of the packs computed here, by first member
    auto valueOf = [&](uint32_t v) -> Value* {
      if (Value* found = values.find(v)) return found;
      const KernelInstruction& ins = program_.code[v];
      Value* result = nullptr;
      if (ins.source == OperandSource::Computed && ins.width > 1 && !args.stride) {
        if (auto pack = vectors.find(v - ins.lane); pack != vectors.end()) {
          result = builder_.CreateExtractElement(pack->second, ins.lane);
          values.set(v, result);
          return result;
        }
      }
      switch (ins.source) {
        case OperandSource::Input:
          result = builder_.CreateAlignedLoad(floatType_, rowElement(args.inputs, ins.index, args),
                                              llvm::Align(8), program_.inputNames[ins.index]);
          break;
        case OperandSource::Param:
          result =
              builder_.CreateLoad(f64_, builder_.CreateConstInBoundsGEP1_64(f64_, args.params, ins.index),
                                  program_.paramNames[ins.index]);
          if (args.stride) result = builder_.CreateVectorSplat(lanes(), result);
          break;
        case OperandSource::Constant:
          if (!ins.boolean) {
            result = constant(ins.constant);
          } else {
            result = builder_.getInt1(ins.constant != 0);
            if (args.stride) result = builder_.CreateVectorSplat(lanes(), result);
          }
          break;
        case OperandSource::Computed:  // from an earlier chunk
          result = loadSlot(args, slot_[v], ins.boolean);
          break;
        case OperandSource::LoopResult: {
          uint32_t loop = program_.code[program_.args(ins)[0]].index;
          uint32_t n = program_.loops[loop].iterations;
          uint32_t slot = layouts_[loop].resultSlot + ins.index / n * layouts_[loop].padded + ins.index % n;
          result = builder_.CreateLoad(f64_, elementAt(args.scratch, builder_.getInt64(slot)));
          break;
        }
        case OperandSource::Loop: throw std::logic_error("gradc: a loop used as a value");
      }
      values.set(v, result);
      return result;
    };
    std::unordered_map<uint32_t, LogsumexpValues> logsumexps;  // computed here, for softmax weights
    std::vector<Value*> operands;
    for (uint32_t v = begin; v < end; ++v) {
      const KernelInstruction& ins = program_.code[v];
      if (ins.source == OperandSource::Loop) emitLoop(ins, valueOf, args);
      if (ins.source != OperandSource::Computed) continue;  // leaves load where used
      if (ins.width > 1 && !args.stride) {                  // a block computes a pack's members one by one
        if (ins.lane != 0) continue;                        // computed with the pack's first member
        Value* pack = emitPack(v, valueOf, vectors, args);
        vectors.emplace(v, pack);
        if (args.scratch && slot_[v] != UINT32_MAX) {
          if (ins.boolean) {  // i1 lanes are stored one by one, as scalar comparisons are
            for (uint32_t m = v; m < v + ins.width; ++m)
              builder_.CreateStore(valueOf(m), elementAt(args.scratch, builder_.getInt64(slot_[m])));
          } else {
            builder_.CreateAlignedStore(pack, elementAt(args.scratch, builder_.getInt64(slot_[v])),
                                        llvm::Align(8));
          }
        }
        continue;
      }
      Value* result = nullptr;
      if (ins.softmaxWeight) {
        result = softmaxWeight(program_.args(ins), valueOf, logsumexps, args);
      } else {
        operands.clear();
        for (uint32_t a : program_.args(ins)) operands.push_back(valueOf(a));
        if (ins.op == Op::Logsumexp) {
          LogsumexpValues& parts = logsumexps[v];
          result = logsumexp(operands, &parts);
          std::span<const uint32_t> a = program_.args(ins);
          for (size_t i = 0; i < a.size(); ++i) parts.termOf.emplace(a[i], parts.terms[i]);
          if (args.scratch && slot_[v] != UINT32_MAX) {
            storeSlot(args, slot_[v] + 1, parts.shift);
            storeSlot(args, slot_[v] + 2, parts.scale);
          }
        } else {
          result = emitOp(ins.op, operands);
        }
      }
      values.set(v, result);
      if (args.scratch && slot_[v] != UINT32_MAX) storeSlot(args, slot_[v], result);
    }
    // Only this range's outputs are looked at: a kernel of a million nodes has
    // thousands of parts and a hundred thousand outputs.
    const std::vector<std::pair<uint32_t, uint32_t>>& byValue = outputsByValue();
    auto first = std::lower_bound(byValue.begin(), byValue.end(), std::pair<uint32_t, uint32_t>{begin, 0});
    for (auto it = first; it != byValue.end() && it->first < end; ++it)
      if (program_.code[it->first].source == OperandSource::Computed)
        builder_.CreateAlignedStore(valueOf(it->first), rowElement(args.outputs, it->second, args),
                                    llvm::Align(8));
    if (end == program_.code.size())  // outputs that are leaves, wherever they sit
      for (auto [v, k] : byValue)
        if (program_.code[v].source != OperandSource::Computed)
          builder_.CreateAlignedStore(valueOf(v), rowElement(args.outputs, k, args), llvm::Align(8));
  }

  // LLVM's instruction schedulers compare each memory access of a basic block with
  // up to a thousand earlier ones (ScheduleDAGInstrs): the 12,000 row stores of
  // lennard_jones_64 took most of its 16 s to compile. An empty inline asm that may
  // touch memory is a barrier the schedulers do not look across, so that the work
  // stays linear; it emits no instruction.
  static constexpr size_t kStoresBetweenBarriers = 256;
  void schedulingBarrier() {
    auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), false);
    builder_.CreateCall(llvm::InlineAsm::get(type, "", "~{memory}", /*hasSideEffects=*/true));
  }

  // A Loop instruction: its rows filled, then the body on kVectorLanes iterations at
  // a time, the results stored to the loop's arrays (see LoopLayout).
  template <typename ValueOf>
  void emitLoop(const KernelInstruction& ins, ValueOf& valueOf, const Args& args) {
    assert(args.scratch && !args.stride && !args.n && "a loop runs in a part, on one point");
    const KernelLoop& loop = program_.loops[ins.index];
    const LoopLayout& layout = layouts_[ins.index];
    const KernelProgram& body = loop.body;
    std::span<const uint32_t> operands = program_.args(ins);
    uint32_t n = loop.iterations;
    size_t params = body.paramNames.size();
    std::vector<Value*> invariants;
    for (size_t c = 0; c < params; ++c) invariants.push_back(valueOf(operands[c]));
    if (layout.segments) return emitSegmentedLoop(ins.index, args, invariants);
    size_t copied = 0;
    for (size_t p = 0; p < body.inputNames.size(); ++p) {
      if (layout.rowKind[p] != RowKind::Scratch) continue;
      std::span<const uint32_t> row = operands.subspan(params + p * n, n);
      for (uint32_t k = 0; k < layout.padded; ++k) {
        if (++copied % kStoresBetweenBarriers == 0) schedulingBarrier();
        builder_.CreateStore(valueOf(row[std::min(k, n - 1)]),
                             elementAt(args.scratch, builder_.getInt64(layout.rowStart[p] + k)));
      }
    }
    countedLoop(layout.padded, kVectorLanes, "iterations", [&](Value* k) {
      emitIterations(loop, layout, args, invariants, k,
                     [&](uint32_t p) { return rowAt(loop, layout, args, k, p); });
    });
  }

  // The loop segment by segment (LoopLayout::segments): each segment's first
  // iteration, length and rows' starts from a constant table; in a segment,
  // kVectorLanes iterations at a time, the last vector running into the next
  // segment's iterations (which that segment computes again).
  void emitSegmentedLoop(uint32_t loopIndex, const Args& args, const std::vector<Value*>& invariants) {
    const KernelLoop& loop = program_.loops[loopIndex];
    const LoopLayout& layout = layouts_[loopIndex];
    const SegmentedRows& segments = *layout.segments;
    size_t rows = segments.rows.size();
    auto arrayOf = [&](RowArray array) { return array == RowArray::Inputs ? args.inputs : args.params; };
    for (size_t p = 0; p < rows; ++p) {
      const SegmentedRows::Row& row = segments.rows[p];
      if (!row.stride) continue;
      countedLoop(layout.copySize[p], 1, "copy", [&](Value* m) {
        Value* from = builder_.CreateAdd(builder_.CreateMul(m, builder_.getInt64(row.stride)),
                                         builder_.getInt64(row.first));
        Value* value = builder_.CreateLoad(f64_, elementAt(arrayOf(row.array), from));
        builder_.CreateStore(
            value, elementAt(args.scratch, builder_.CreateAdd(m, builder_.getInt64(layout.copySlot[p]))));
      });
      for (uint32_t lane = 0; lane < kVectorLanes; ++lane)  // what the last vector reads past the end
        builder_.CreateStore(
            constant(0),
            elementAt(args.scratch, builder_.getInt64(layout.copySlot[p] + layout.copySize[p] + lane)));
    }
    std::vector<uint32_t> entries;
    for (size_t s = 0; s < segments.begin.size(); ++s) {
      entries.push_back(segments.begin[s]);
      entries.push_back(segments.length[s]);
      for (size_t p = 0; p < rows; ++p) entries.push_back(segments.start[s * rows + p]);
    }
    auto* table = new llvm::GlobalVariable(
        *module_, llvm::ArrayType::get(builder_.getInt32Ty(), entries.size()), true,
        llvm::GlobalValue::PrivateLinkage, llvm::ConstantDataArray::get(ctx_, entries), name_ + ".segments");
    size_t width = 2 + rows;
    countedLoop(segments.begin.size(), 1, "segment", [&](Value* s) {
      auto entry = [&](size_t i) {
        Value* at = builder_.CreateAdd(builder_.CreateMul(s, builder_.getInt64(width)), builder_.getInt64(i));
        return builder_.CreateZExt(
            builder_.CreateLoad(builder_.getInt32Ty(),
                                builder_.CreateInBoundsGEP(builder_.getInt32Ty(), table, at)),
            i64_);
      };
      Value* begin = entry(0);
      Value* length = entry(1);
      std::vector<Value*> starts, broadcasts(rows, nullptr);
      for (size_t p = 0; p < rows; ++p) {
        starts.push_back(entry(2 + p));
        if (!segments.rows[p].stride)
          broadcasts[p] = builder_.CreateVectorSplat(
              kVectorLanes, builder_.CreateLoad(f64_, elementAt(arrayOf(segments.rows[p].array), starts[p])));
        else
          starts[p] = builder_.CreateAdd(starts[p], builder_.getInt64(layout.copySlot[p]));
      }
      auto* vector = llvm::FixedVectorType::get(f64_, kVectorLanes);
      runtimeLoop(length, kVectorLanes, "lanes", [&](Value* t) {
        emitIterations(
            loop, layout, args, invariants, builder_.CreateAdd(begin, t), [&](uint32_t p) -> Value* {
              if (broadcasts[p]) return broadcasts[p];
              return builder_.CreateAlignedLoad(
                  vector, elementAt(args.scratch, builder_.CreateAdd(starts[p], t)), llvm::Align(8));
            });
      });
    });
  }

  // A loop calling `body` with i = 0, step, 2 step, ... while i < count, count a
  // value of the kernel of at least 1.
  template <typename Body>
  void runtimeLoop(Value* count, size_t step, const char* name, Body body) {
    llvm::BasicBlock* before = builder_.GetInsertBlock();
    auto* loop = llvm::BasicBlock::Create(ctx_, name, before->getParent());
    auto* after = llvm::BasicBlock::Create(ctx_, std::string(name) + "_done", before->getParent());
    builder_.CreateBr(loop);
    builder_.SetInsertPoint(loop);
    llvm::PHINode* i = builder_.CreatePHI(i64_, 2, "i");
    i->addIncoming(builder_.getInt64(0), before);
    body(i);
    Value* next = builder_.CreateAdd(i, builder_.getInt64(step), "", /*HasNUW=*/true);
    i->addIncoming(next, builder_.GetInsertBlock());
    builder_.CreateCondBr(builder_.CreateICmpULT(next, count), loop, after);
    builder_.SetInsertPoint(after);
  }

  // Row p of the loop for the kVectorLanes iterations from k, from the kernel's
  // arrays or from its copy in the scratch array (see LoopLayout).
  Value* rowAt(const KernelLoop& loop, const LoopLayout& layout, const Args& args, Value* k, uint32_t p) {
    auto* vector = llvm::FixedVectorType::get(f64_, kVectorLanes);
    RowKind kind = layout.rowKind[p];
    uint32_t start = layout.rowStart[p];
    Value* from = kind == RowKind::Scratch  ? args.scratch
                  : kind == RowKind::Inputs ? args.inputs
                                            : args.params;
    Value* at = elementAt(from, builder_.CreateAdd(k, builder_.getInt64(start)));
    if (!layout.rowMasked[p]) return builder_.CreateAlignedLoad(vector, at, llvm::Align(8));
    // Lanes past the last iteration read zeros, computed and dropped.
    std::vector<llvm::Constant*> lanes;
    for (unsigned lane = 0; lane < kVectorLanes; ++lane) lanes.push_back(builder_.getInt64(lane));
    Value* iteration =
        builder_.CreateAdd(builder_.CreateVectorSplat(kVectorLanes, k), llvm::ConstantVector::get(lanes));
    Value* mask = builder_.CreateICmpULT(
        iteration, builder_.CreateVectorSplat(kVectorLanes, builder_.getInt64(loop.iterations)));
    return builder_.CreateMaskedLoad(vector, at, llvm::Align(8), mask, llvm::Constant::getNullValue(vector));
  }

  // The body of a loop on kVectorLanes iterations from k, one in each lane, row p
  // read by readRow(p); the results stored at iteration k of the loop's arrays.
  template <typename ReadRow>
  void emitIterations(const KernelLoop& loop, const LoopLayout& layout, const Args& args,
                      const std::vector<Value*>& invariants, Value* k, ReadRow readRow) {
    const KernelProgram& body = loop.body;
    auto slotAt = [&](uint32_t slot) {
      return elementAt(args.scratch, builder_.CreateAdd(k, builder_.getInt64(slot)));
    };
    floatType_ = llvm::FixedVectorType::get(f64_, kVectorLanes);
    std::vector<Value*> values(body.code.size(), nullptr);
    std::vector<Value*> operandValues;
    for (uint32_t i = 0; i < body.code.size(); ++i) {
      const KernelInstruction& b = body.code[i];
      switch (b.source) {
        case OperandSource::Input: values[i] = readRow(b.index); break;
        case OperandSource::Param:
          values[i] = builder_.CreateVectorSplat(kVectorLanes, invariants[b.index]);
          break;
        case OperandSource::Constant: values[i] = constant(b.constant); break;
        case OperandSource::Computed:
          operandValues.clear();
          for (uint32_t a : body.args(b)) operandValues.push_back(values[a]);
          values[i] = emitOp(b.op, operandValues);
          break;
        case OperandSource::Loop:
        case OperandSource::LoopResult: throw std::logic_error("gradc: a loop inside a loop");
      }
    }
    for (uint32_t q = 0; q < body.outputs.size(); ++q)
      builder_.CreateAlignedStore(values[body.outputs[q]], slotAt(layout.resultSlot + q * layout.padded),
                                  llvm::Align(8));
    floatType_ = f64_;
  }

  // (value number, output position) of every output, in increasing order.
  const std::vector<std::pair<uint32_t, uint32_t>>& outputsByValue() {
    if (outputsByValue_.empty() && !program_.outputs.empty()) {
      for (uint32_t k = 0; k < program_.outputs.size(); ++k)
        outputsByValue_.emplace_back(program_.outputs[k], k);
      std::sort(outputsByValue_.begin(), outputsByValue_.end());
    }
    return outputsByValue_;
  }

  // The IR value of each program value in the range being emitted: a table by value
  // number, reused from range to range (a hash map per part took 13% of the IR
  // emission time of the 10th nested-sin derivative). Emptied when the range ends.
  class RangeValues {
   public:
    RangeValues(std::vector<Value*>& table, size_t count) : table_(table) {
      if (table_.size() < count) table_.resize(count, nullptr);
    }
    ~RangeValues() {
      for (uint32_t v : set_) table_[v] = nullptr;
    }
    RangeValues(const RangeValues&) = delete;
    RangeValues& operator=(const RangeValues&) = delete;
    Value* find(uint32_t v) const { return table_[v]; }
    void set(uint32_t v, Value* value) {
      table_[v] = value;
      set_.push_back(v);
    }

   private:
    std::vector<Value*>& table_;
    std::vector<uint32_t> set_;
  };

  // What a logsumexp computed that its softmax weights reuse (softmaxWeight in
  // op_semantics.hpp): the shift, the scale and each operand's exp(a - shift).
  struct LogsumexpValues {
    Value* shift = nullptr;
    Value* scale = nullptr;
    std::vector<Value*> terms;                    // by operand position
    std::unordered_map<uint32_t, Value*> termOf;  // by operand value number
  };

  // exp(x - L) as x's softmax weight: exp(x - shift) / scale. When L is in this
  // range its exp(x - shift) is reused (x is always one of L's operands: see
  // SoftmaxFusion); else shift and scale come from L's slots.
  template <typename ValueOf>
  Value* softmaxWeight(std::span<const uint32_t> operands, ValueOf& valueOf,
                       const std::unordered_map<uint32_t, LogsumexpValues>& logsumexps, const Args& args) {
    uint32_t x = operands[0], l = operands[1];
    if (auto found = logsumexps.find(l); found != logsumexps.end())
      return builder_.CreateFDiv(found->second.termOf.at(x), found->second.scale);
    assert(args.scratch && slot_[l] != UINT32_MAX && "a logsumexp from an earlier chunk");
    Value* shift = loadSlot(args, slot_[l] + 1, false);
    Value* scale = loadSlot(args, slot_[l] + 2, false);
    Value* numerator = elementary(Op::Exp, builder_.CreateFSub(valueOf(x), shift));
    return builder_.CreateFDiv(numerator, scale);
  }

  // The pack of `width` instructions starting at v as one vector operation.
  template <typename ValueOf>
  Value* emitPack(uint32_t v, ValueOf& valueOf, const std::unordered_map<uint32_t, Value*>& vectors,
                  const Args& args) {
    const KernelInstruction& first = program_.code[v];
    unsigned width = first.width;
    std::vector<Value*> operands;
    for (uint32_t j = 0; j < first.argCount; ++j) {
      auto arg = [&](uint32_t k) { return program_.args(program_.code[v + k])[j]; };
      bool same = true, packed = program_.code[arg(0)].width == width && program_.code[arg(0)].lane == 0;
      for (uint32_t k = 0; k < width; ++k) {
        same = same && arg(k) == arg(0);
        packed = packed && arg(k) == arg(0) + k;
      }
      auto pack = vectors.find(arg(0));
      if (same) {
        operands.push_back(builder_.CreateVectorSplat(width, valueOf(arg(0))));
      } else if (packed && pack != vectors.end()) {
        operands.push_back(pack->second);
      } else if (packed && args.scratch && slot_[arg(0)] != UINT32_MAX && !program_.code[arg(0)].boolean) {
        // A pack of an earlier part, in consecutive scratch slots.
        auto* type = llvm::FixedVectorType::get(f64_, width);
        operands.push_back(builder_.CreateAlignedLoad(
            type, elementAt(args.scratch, builder_.getInt64(slot_[arg(0)])), llvm::Align(8)));
      } else {  // a gather, one lane at a time (LLVM makes shuffles and loads of it)
        Value* gathered = nullptr;
        for (uint32_t k = 0; k < width; ++k) {
          Value* lane = valueOf(arg(k));
          if (!gathered)
            gathered = llvm::PoisonValue::get(llvm::FixedVectorType::get(lane->getType(), width));
          gathered = builder_.CreateInsertElement(gathered, lane, k);
        }
        operands.push_back(gathered);
      }
    }
    if (isLaneWise(first.op, operands)) {
      floatType_ = llvm::FixedVectorType::get(f64_, width);
      Value* result = emitOp(first.op, operands);
      floatType_ = f64_;
      return result;
    }
    // Library calls and the ops with internal branches or reductions: lane by lane.
    return perLane(operands, [&](const std::vector<Value*>& lane) { return emitOp(first.op, lane); });
  }

  // Ops whose lowering is IEEE arithmetic, comparisons, selects and the functions of
  // compiler/math/exp_family.hpp only, so the same
  // IR on vectors computes each lane as the scalar code would.
  static bool isLaneWise(Op op, const std::vector<Value*>& operands) {
    static constexpr Op kLaneWise[] = {Op::Add,  Op::Sub,   Op::Mul,  Op::Div,    Op::Neg, Op::Lt,
                                       Op::Le,   Op::Gt,    Op::Ge,   Op::Eq,     Op::Ne,  Op::Where,
                                       Op::Sqrt, Op::Abs,   Op::Sign, Op::Min,    Op::Max, Op::Relu,
                                       Op::Exp,  Op::Expm1, Op::Tanh, Op::Sigmoid};
    if (op == Op::Pow) return unrolledExponent(operands[1]).has_value();
    return std::find(std::begin(kLaneWise), std::end(kLaneWise), op) != std::end(kLaneWise);
  }

  // A constant operand, also when it is a vector of one value.
  static const llvm::ConstantFP* constantValue(Value* v) {
    auto* c = llvm::dyn_cast<llvm::Constant>(v);
    if (!c) return nullptr;
    if (v->getType()->isVectorTy()) c = c->getSplatValue();
    return llvm::dyn_cast_or_null<llvm::ConstantFP>(c);
  }

  // The exponent of a power that powSemantics computes as unrolled products: a
  // constant integer of at most kMaxIntegerPower in magnitude.
  static std::optional<double> unrolledExponent(Value* exponent) {
    const llvm::ConstantFP* c = constantValue(exponent);
    if (!c) return std::nullopt;
    double e = c->getValueAPF().convertToDouble();
    if (e != std::trunc(e) || std::fabs(e) > kMaxIntegerPower) return std::nullopt;
    return e;
  }

  // Scalar, or the vector type of the pack being emitted.
  Value* constant(double x) { return llvm::ConstantFP::get(floatType_, x); }
  Value* intrinsic(llvm::Intrinsic::ID id, std::vector<Value*> args) {
    return builder_.CreateIntrinsic(id, {args[0]->getType()}, args);
  }
  // An i32 of the shape of the values being emitted (a vector in a block).
  Value* index(uint32_t i) {
    Value* scalar = builder_.getInt32(i);
    if (auto* vector = llvm::dyn_cast<llvm::FixedVectorType>(floatType_))
      return builder_.CreateVectorSplat(vector->getNumElements(), scalar);
    return scalar;
  }
  // `scalar` on each lane of vector operands (on scalars: once).
  template <typename Scalar>
  Value* perLane(const std::vector<Value*>& args, Scalar scalar) {
    auto* vector = llvm::dyn_cast<llvm::FixedVectorType>(args[0]->getType());
    if (!vector) return scalar(args);
    Value* result = nullptr;
    std::vector<Value*> lane(args.size());
    for (unsigned k = 0; k < vector->getNumElements(); ++k) {
      for (size_t j = 0; j < args.size(); ++j) lane[j] = builder_.CreateExtractElement(args[j], k);
      Value* value = scalar(lane);
      if (!result)
        result =
            llvm::PoisonValue::get(llvm::FixedVectorType::get(value->getType(), vector->getNumElements()));
      result = builder_.CreateInsertElement(result, value, k);
    }
    return result;
  }
  Value* libm(const char* name, const std::vector<Value*>& args) {
    return perLane(args, [&](const std::vector<Value*>& lane) { return scalarLibm(name, lane); });
  }
  Value* scalarLibm(const char* name, const std::vector<Value*>& args) {
    std::vector<llvm::Type*> types(args.size(), f64_);
    llvm::FunctionCallee callee =
        module_->getOrInsertFunction(name, llvm::FunctionType::get(f64_, types, false));
    if (auto* fn = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
      // Pure for our purposes (errno is never read): lets LLVM share and hoist calls.
      fn->setDoesNotThrow();
      fn->setDoesNotAccessMemory();
      fn->setWillReturn();
    }
    auto* call = builder_.CreateCall(callee, args);
    call->setDoesNotAccessMemory();
    return call;
  }
  Value* isNaN(Value* x) { return builder_.CreateFCmpUNO(x, x); }

  // x^e for a constant integer e: powSemantics's products, the leading 1*x left out.
  Value* integerPower(Value* x, double e) {
    auto n = static_cast<unsigned>(std::fabs(e));
    Value* result = nullptr;
    Value* square = x;
    while (true) {
      if (n & 1) result = result ? builder_.CreateFMul(result, square) : square;
      n >>= 1;
      if (n == 0) break;
      square = builder_.CreateFMul(square, square);
    }
    if (!result) result = constant(1);
    return e < 0 ? builder_.CreateFDiv(constant(1), result) : result;
  }

  // Whether LLVM may inline exp, expm1 and tanh where they are called. In a small
  // kernel that lets independent calls overlap (mlp, 33 tanh: 1.5 times faster than
  // with calls); in a large one each copy is 60 instructions more to compile and to
  // fetch (deep_tanh_1000: twice the code and 1.5 times the compile time, for 3%).
  // A loop's body counts once (it is emitted once), so only the kernel's own
  // instructions are counted.
  static constexpr size_t kInlineElementaryUpTo = 64;
  bool inlineElementary() {
    if (!inlineElementary_) {
      size_t calls =
          std::count_if(program_.code.begin(), program_.code.end(), [](const KernelInstruction& ins) {
            return ins.op == Op::Exp || ins.op == Op::Expm1 || ins.op == Op::Tanh;
          });
      inlineElementary_ = calls <= kInlineElementaryUpTo;
    }
    return *inlineElementary_;
  }

  // exp, expm1 or tanh of x (a double or a vector) as compiler/math computes them: a
  // call to an internal function of the module, one for each op and type, that LLVM's
  // inliner may inline (a call keeps the fast path's code small).
  Value* elementary(Op op, Value* x) {
    llvm::Type* type = x->getType();
    auto* vector = llvm::dyn_cast<llvm::FixedVectorType>(type);
    std::string name = std::string("gradc.") +
                       (op == Op::Exp     ? "exp"
                        : op == Op::Expm1 ? "expm1"
                                          : "tanh") +
                       (vector ? ".v" + std::to_string(vector->getNumElements()) : std::string());
    llvm::Function* f = module_->getFunction(name);
    if (!f) {
      f = llvm::Function::Create(llvm::FunctionType::get(type, {type}, false),
                                 llvm::Function::InternalLinkage, name, *module_);
      f->setDoesNotThrow();
      f->setDoesNotAccessMemory();
      f->setWillReturn();
      if (!inlineElementary()) f->addFnAttr(llvm::Attribute::NoInline);
      llvm::IRBuilderBase::InsertPointGuard guard(builder_);
      builder_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", f));
      IrArithmetic arithmetic{builder_, type};
      Value* arg = f->getArg(0);
      builder_.CreateRet(op == Op::Exp     ? math::exp(arithmetic, arg)
                         : op == Op::Expm1 ? math::expm1(arithmetic, arg)
                                           : math::tanh(arithmetic, arg));
    }
    auto* call = builder_.CreateCall(f, {x});
    call->setDoesNotAccessMemory();
    return call;
  }

  // x^y for a runtime y: an internal function with powSemantics's loop.
  llvm::Function* powFunction() {
    if (llvm::Function* f = module_->getFunction("gradc.pow")) return f;
    auto* type = llvm::FunctionType::get(f64_, {f64_, f64_}, false);
    auto* f = llvm::Function::Create(type, llvm::Function::InternalLinkage, "gradc.pow", *module_);
    f->setDoesNotThrow();
    f->setDoesNotAccessMemory();
    llvm::IRBuilderBase::InsertPointGuard guard(builder_);
    llvm::Type* outer = floatType_;  // the body is scalar, also when first called from a block
    floatType_ = f64_;
    auto& b = builder_;
    Value* x = f->getArg(0);
    Value* y = f->getArg(1);
    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", f);
    auto* general = llvm::BasicBlock::Create(ctx_, "general", f);
    auto* integer = llvm::BasicBlock::Create(ctx_, "integer", f);
    auto* loop = llvm::BasicBlock::Create(ctx_, "loop", f);
    auto* next = llvm::BasicBlock::Create(ctx_, "next", f);
    auto* done = llvm::BasicBlock::Create(ctx_, "done", f);
    b.SetInsertPoint(entry);
    Value* magnitude = intrinsic(llvm::Intrinsic::fabs, {y});
    Value* isInteger = b.CreateFCmpOEQ(y, intrinsic(llvm::Intrinsic::trunc, {y}));
    Value* small = b.CreateFCmpOLE(magnitude, constant(kMaxIntegerPower));
    b.CreateCondBr(b.CreateAnd(isInteger, small), integer, general);
    b.SetInsertPoint(general);
    b.CreateRet(intrinsic(llvm::Intrinsic::pow, {x, y}));
    b.SetInsertPoint(integer);
    Value* n0 = b.CreateFPToUI(magnitude, b.getInt32Ty());
    b.CreateBr(loop);
    b.SetInsertPoint(loop);
    llvm::PHINode* n = b.CreatePHI(b.getInt32Ty(), 2);
    llvm::PHINode* result = b.CreatePHI(f64_, 2);
    llvm::PHINode* square = b.CreatePHI(f64_, 2);
    Value* odd = b.CreateICmpNE(b.CreateAnd(n, b.getInt32(1)), b.getInt32(0));
    Value* updated = b.CreateSelect(odd, b.CreateFMul(result, square), result);
    Value* rest = b.CreateLShr(n, b.getInt32(1));
    b.CreateCondBr(b.CreateICmpEQ(rest, b.getInt32(0)), done, next);
    b.SetInsertPoint(next);
    Value* squared = b.CreateFMul(square, square);
    b.CreateBr(loop);
    n->addIncoming(n0, integer);
    n->addIncoming(rest, next);
    result->addIncoming(constant(1), integer);
    result->addIncoming(updated, next);
    square->addIncoming(x, integer);
    square->addIncoming(squared, next);
    b.SetInsertPoint(done);
    Value* negative = b.CreateFCmpOLT(y, constant(0));
    b.CreateRet(b.CreateSelect(negative, b.CreateFDiv(constant(1), updated), updated));
    floatType_ = outer;
    return f;
  }

  // max(a, b) / min(a, b): NaN if either is NaN, as op_semantics.cpp's nanMax / nanMin.
  Value* extremum(Value* a, Value* b, bool isMax) {
    Value* pick = isMax ? builder_.CreateSelect(builder_.CreateFCmpOLT(a, b), b, a)
                        : builder_.CreateSelect(builder_.CreateFCmpOLT(b, a), b, a);
    return builder_.CreateSelect(builder_.CreateFCmpUNO(a, b), builder_.CreateFAdd(a, b), pick);
  }

  // stableLogsumexp: the first largest argument m, m + log1p(sum of the others' exp(a - m)).
  // With `parts`, also what stableLogsumexpParts keeps for the softmax weights.
  Value* logsumexp(const std::vector<Value*>& a, LogsumexpValues* parts = nullptr) {
    Value* m = a[0];
    Value* top = index(0);
    Value* anyNaN = isNaN(a[0]);
    Value* nanSum = a[0];
    for (size_t i = 1; i < a.size(); ++i) {
      Value* greater = builder_.CreateFCmpOGT(a[i], m);
      m = builder_.CreateSelect(greater, a[i], m);
      top = builder_.CreateSelect(greater, index(i), top);
      anyNaN = builder_.CreateOr(anyNaN, isNaN(a[i]));
      nanSum = builder_.CreateFAdd(nanSum, a[i]);
    }
    // m, or a NaN when there is one: the terms are then also the softmax weights'
    // numerators, and where the value is not finite, their shift is the value.
    Value* shift = builder_.CreateSelect(anyNaN, nanSum, m);
    Value* rest = constant(0);
    std::vector<Value*> terms;
    for (size_t i = 0; i < a.size(); ++i) {
      terms.push_back(elementary(Op::Exp, builder_.CreateFSub(a[i], shift)));
      Value* isTop = builder_.CreateICmpEQ(top, index(i));
      rest = builder_.CreateFAdd(rest, builder_.CreateSelect(isTop, constant(0), terms.back()));
    }
    Value* finite = builder_.CreateFAdd(m, libm("log1p", {rest}));
    Value* isInf = builder_.CreateFCmpOEQ(intrinsic(llvm::Intrinsic::fabs, {m}), constant(INFINITY));
    if (parts) {
      parts->shift = shift;
      parts->scale = builder_.CreateSelect(builder_.CreateOr(anyNaN, isInf), constant(1),
                                           builder_.CreateFAdd(constant(1), rest));
      parts->terms = std::move(terms);
    }
    return builder_.CreateSelect(anyNaN, nanSum, builder_.CreateSelect(isInf, m, finite));
  }

  Value* emitOp(Op op, const std::vector<Value*>& a) {
    auto& b = builder_;
    switch (op) {
      case Op::Const:
      case Op::Variable:
      case Op::Binding: throw std::logic_error("gradc: leaf or binding scheduled as an operation");
      case Op::Add: return b.CreateFAdd(a[0], a[1]);
      case Op::Sub: return b.CreateFSub(a[0], a[1]);
      case Op::Mul: return b.CreateFMul(a[0], a[1]);
      case Op::Div: return b.CreateFDiv(a[0], a[1]);
      case Op::Pow: {
        // powSemantics: integer exponents by binary powering, unrolled when constant.
        if (std::optional<double> e = unrolledExponent(a[1])) return integerPower(a[0], *e);
        if (constantValue(a[1])) return intrinsic(llvm::Intrinsic::pow, {a[0], a[1]});
        return perLane(a, [&](const std::vector<Value*>& lane) { return b.CreateCall(powFunction(), lane); });
      }
      case Op::Neg: return b.CreateFNeg(a[0]);
      case Op::Lt: return b.CreateFCmpOLT(a[0], a[1]);
      case Op::Le: return b.CreateFCmpOLE(a[0], a[1]);
      case Op::Gt: return b.CreateFCmpOGT(a[0], a[1]);
      case Op::Ge: return b.CreateFCmpOGE(a[0], a[1]);
      case Op::Eq: return b.CreateFCmpOEQ(a[0], a[1]);
      case Op::Ne: return b.CreateFCmpUNE(a[0], a[1]);
      case Op::Where: return b.CreateSelect(a[0], a[1], a[2]);
      case Op::Exp: return elementary(Op::Exp, a[0]);
      case Op::Log: return intrinsic(llvm::Intrinsic::log, a);
      case Op::Log1p: return libm("log1p", a);
      case Op::Expm1: return elementary(Op::Expm1, a[0]);
      case Op::Sqrt: return intrinsic(llvm::Intrinsic::sqrt, a);
      case Op::Sin: return intrinsic(llvm::Intrinsic::sin, a);
      case Op::Cos: return intrinsic(llvm::Intrinsic::cos, a);
      case Op::Tan: return libm("tan", a);
      case Op::Asin: return libm("asin", a);
      case Op::Acos: return libm("acos", a);
      case Op::Atan: return libm("atan", a);
      case Op::Atan2: return libm("atan2", a);
      case Op::Sinh: return libm("sinh", a);
      case Op::Cosh: return libm("cosh", a);
      case Op::Tanh: return elementary(Op::Tanh, a[0]);
      case Op::Abs: return intrinsic(llvm::Intrinsic::fabs, a);
      case Op::Sign: {
        Value* zeroOrNaN = b.CreateSelect(isNaN(a[0]), a[0], constant(0));
        return b.CreateSelect(b.CreateFCmpOGT(a[0], constant(0)), constant(1),
                              b.CreateSelect(b.CreateFCmpOLT(a[0], constant(0)), constant(-1), zeroOrNaN));
      }
      case Op::Min: return extremum(a[0], a[1], false);
      case Op::Max: return extremum(a[0], a[1], true);
      case Op::Hypot: return libm("hypot", a);
      case Op::Sigmoid: {
        Value* nonNegative = b.CreateFCmpOGE(a[0], constant(0));
        Value* e = elementary(Op::Exp, b.CreateSelect(nonNegative, b.CreateFNeg(a[0]), a[0]));
        Value* onePlus = b.CreateFAdd(constant(1), e);
        return b.CreateSelect(nonNegative, b.CreateFDiv(constant(1), onePlus), b.CreateFDiv(e, onePlus));
      }
      case Op::Softplus: {
        Value* positive = b.CreateFCmpOGT(a[0], constant(0));
        Value* e = elementary(Op::Exp, b.CreateSelect(positive, b.CreateFNeg(a[0]), a[0]));
        Value* l = libm("log1p", {e});
        return b.CreateSelect(positive, b.CreateFAdd(a[0], l), l);
      }
      case Op::Relu: return b.CreateSelect(b.CreateFCmpUGT(a[0], constant(0)), a[0], constant(0));
      case Op::Logsumexp: return logsumexp(a);
      case Op::Erf: return libm("erf", a);
    }
    throw std::logic_error("gradc: op without a lowering");
  }

  llvm::LLVMContext& ctx_;
  const KernelProgram& program_;
  std::string name_;
  bool fastPath_;
  bool largeParts_;
  bool vectorParts_;                      // the batch of a split kernel in vector lanes (see emitVectorBatch)
  std::optional<bool> inlineElementary_;  // see inlineElementary
  ModuleSlice slice_;
  std::unique_ptr<llvm::Module> module_;
  IRBuilder<> builder_;
  llvm::Type* f64_;
  llvm::Type* floatType_ = f64_;  // of the values emitOp works on: f64_ or a pack's vector
  llvm::IntegerType* i64_;
  llvm::PointerType* ptr_;
  std::vector<uint32_t> slot_;          // scratch slot of each value that crosses chunks
  std::vector<llvm::Function*> parts_;  // of a split kernel, in order (set by emitBatch)
  uint32_t slotCount_ = 0;
  std::vector<std::pair<uint32_t, uint32_t>> outputsByValue_;  // see outputsByValue
  std::vector<Value*> valueOfRange_;                           // see RangeValues
  std::vector<LoopLayout> layouts_;                            // of each loop (see planLoop)
};

}  // namespace

std::unique_ptr<llvm::Module> emitKernelModule(llvm::LLVMContext& context, const KernelProgram& program,
                                               const std::string& name, int optLevel, CompileMode mode,
                                               ModuleSlice slice) {
  bool fastPath = useFastPath(program, optLevel, mode);
  bool vectorParts = (mode == CompileMode::AheadOfTime || optLevel >= 3) && !fastPath &&
                     program.loops.empty() && !turnedOffInEnvironment("GRADC_VECTOR_PARTS");
  return KernelEmitter(context, program, name, fastPath, useLargeParts(program, optLevel, mode), vectorParts,
                       slice)
      .run();
}

bool useLargeParts(const KernelProgram& program, int optLevel, CompileMode mode) {
  return (mode == CompileMode::AheadOfTime || optLevel >= 3) && program.code.size() <= 8000 &&
         !useFastPath(program, optLevel, mode);
}

bool useLoops(const KernelProgram& program, int optLevel, CompileMode mode) {
  if (turnedOffInEnvironment("GRADC_LOOPS")) return false;
  return optLevel >= 1 && (mode == CompileMode::AheadOfTime || optLevel >= 3) &&
         program.code.size() >= kLoopsFrom && !useFastPath(program, optLevel, mode);
}

unsigned batchLanes() {
  static const unsigned lanes = [] {
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    auto avx512 = features.find("avx512f");
    return avx512 != features.end() && avx512->second ? kMaxBatchLanes : kVectorLanes;
  }();
  return lanes;
}

bool usePacks(const KernelProgram& program, int optLevel, CompileMode mode) {
  if (turnedOffInEnvironment("GRADC_PACKS")) return false;
  return optLevel >= 1 && program.loops.empty() && (mode == CompileMode::AheadOfTime || optLevel >= 3) &&
         !useLargeParts(program, optLevel, mode) && !useFastPath(program, optLevel, mode);
}

KernelProgram withLoopsOrPacks(KernelProgram program, int optLevel, CompileMode mode) {
  if (useLoops(program, optLevel, mode)) program = rerollLoops(program);
  if (usePacks(program, optLevel, mode)) program = packIsomorphic(program, kVectorLanes);
  return program;
}

bool useFastPath(const KernelProgram& program, int optLevel, CompileMode mode) {
  if (optLevel >= 3) return false;
  return program.code.size() > (mode == CompileMode::Jit ? kJitFastPathAbove : kAheadOfTimeFastPathAbove);
}

bool needsFastPath(const llvm::Module& module) { return module.getModuleFlag("gradc.fast-path") != nullptr; }

bool isSplitKernel(const llvm::Module& module) {
  size_t defined = 0;
  for (const llvm::Function& f : module) defined += f.isDeclaration() ? 0 : 1;
  return defined > 2;  // NAME and NAME_batch, plus the parts of a split kernel
}

void optimizeModule(llvm::Module& module, llvm::TargetMachine& machine, int optLevel) {
  if (optLevel <= 0) return;
  // The SLP vectoriser's time grows faster than the size of a basic block, which the
  // parts bound (2,000 instructions, about 6,000 IR instructions); it is still one
  // of the most expensive passes, so not beyond 60,000 IR instructions. A split
  // kernel (many functions) has nothing for the loop vectoriser.
  llvm::PipelineTuningOptions tuning;
  bool large = isSplitKernel(module);
  bool largeParts = module.getModuleFlag("gradc.large-parts") != nullptr;
  tuning.SLPVectorization = module.getInstructionCount() < (largeParts ? 60000u : 4000u);
  tuning.LoopVectorization = !large;
  tuning.LoopUnrolling = !large;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  if (needsFastPath(module)) {
    // A very large kernel is straight-line code that the graph already shared and
    // simplified: even a light pipeline (early-cse, instcombine) took longer than
    // code generation on the 10th derivative of nested sin, for little gain.
    return;
  }
  static const llvm::OptimizationLevel kLevels[] = {llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1,
                                                    llvm::OptimizationLevel::O2, llvm::OptimizationLevel::O3};
  builder.buildPerModuleDefaultPipeline(kLevels[std::min(optLevel, 3)]).run(module, mam);
}

const std::vector<std::string>& mathLibraryFunctions() {
  static const std::vector<std::string> names = {
      "exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh",
      "cosh", "tanh", "hypot", "erf", "pow", "fabs", "sincos", "exp2", "log2", "log10", "cbrt", "fmod",
      "floor", "ceil", "round", "roundeven", "trunc", "fmin", "fmax", "fma",
      // LLVM turns loops that fill arrays into these.
      "memset", "memcpy", "memmove"};
  return names;
}

}  // namespace gradc::runtime
