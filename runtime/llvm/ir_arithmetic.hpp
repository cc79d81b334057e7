// The arithmetic backend of compiler/math/exp_family.hpp in LLVM IR: the same
// operations as ScalarArithmetic, on a double or on a vector of doubles (each lane
// computed as the scalar code would be), with no fast-math flags. Only the code
// generator includes it.
#pragma once

#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>

#include <cstddef>

namespace gradc::runtime {

struct IrArithmetic {
  using Real = llvm::Value*;
  using Mask = llvm::Value*;

  llvm::IRBuilder<>& b;
  llvm::Type* type;  // double, or a vector of doubles

  Real constant(double c) const { return llvm::ConstantFP::get(type, c); }
  Real add(Real x, Real y) const { return b.CreateFAdd(x, y); }
  Real sub(Real x, Real y) const { return b.CreateFSub(x, y); }
  Real mul(Real x, Real y) const { return b.CreateFMul(x, y); }
  Real div(Real x, Real y) const { return b.CreateFDiv(x, y); }
  Real negate(Real x) const { return b.CreateFNeg(x); }
  Real fusedMultiplyAdd(Real x, Real y, Real z) const { return intrinsic(llvm::Intrinsic::fma, {x, y, z}); }
  Real abs(Real x) const { return intrinsic(llvm::Intrinsic::fabs, {x}); }
  Real copySign(Real magnitude, Real sign) const {
    return intrinsic(llvm::Intrinsic::copysign, {magnitude, sign});
  }
  Real roundEven(Real x) const { return intrinsic(llvm::Intrinsic::roundeven, {x}); }
  Real floor(Real x) const { return intrinsic(llvm::Intrinsic::floor, {x}); }
  // table[j] as ScalarArithmetic reads it (the low bits of j + 1.5 * 2^52), from a
  // constant array of the module named `name`; on a vector, one load a lane.
  template <std::size_t N>
  Real tableEntry(const char* name, const double (&table)[N], Real j) const {
    static_assert((N & (N - 1)) == 0);
    llvm::Module* module = b.GetInsertBlock()->getModule();
    llvm::GlobalVariable* global = module->getGlobalVariable(name, true);
    if (!global) {
      auto* arrayType = llvm::ArrayType::get(b.getDoubleTy(), N);
      global =
          new llvm::GlobalVariable(*module, arrayType, true, llvm::GlobalValue::InternalLinkage,
                                   llvm::ConstantDataArray::get(b.getContext(), llvm::ArrayRef(table)), name);
    }
    llvm::Type* integer = integerType();
    llvm::Value* bits = b.CreateBitCast(b.CreateFAdd(j, constant(0x1.8p52)), integer);
    llvm::Value* index = b.CreateAnd(bits, llvm::ConstantInt::get(integer, N - 1));
    llvm::Value* address = b.CreateGEP(b.getDoubleTy(), global, index);
    if (!type->isVectorTy()) return b.CreateLoad(type, address);
    // Lane by lane: this machine's (AMD Zen 4) gathers are slower than four loads.
    auto* vector = llvm::cast<llvm::FixedVectorType>(type);
    llvm::Value* result = llvm::PoisonValue::get(type);
    for (unsigned lane = 0; lane < vector->getNumElements(); ++lane)
      result = b.CreateInsertElement(
          result, b.CreateLoad(b.getDoubleTy(), b.CreateExtractElement(address, lane)), lane);
    return result;
  }
  // 2^k as the bits (k + 1023) << 52, k's integer taken from the low bits of
  // k + 1.5 * 2^52 (exact for an integral |k| < 2^51): no conversion to an integer,
  // which AVX2 has no vector instruction for.
  Real powerOfTwo(Real k) const {
    llvm::Type* integer = integerType();
    llvm::Value* shifted = b.CreateBitCast(b.CreateFAdd(k, constant(0x1.8p52)), integer);
    llvm::Value* biased = b.CreateAdd(shifted, llvm::ConstantInt::get(integer, 1023));
    return b.CreateBitCast(b.CreateShl(biased, llvm::ConstantInt::get(integer, 52)), type);
  }
  Mask less(Real x, Real y) const { return b.CreateFCmpOLT(x, y); }
  Mask greater(Real x, Real y) const { return b.CreateFCmpOGT(x, y); }
  Mask equal(Real x, Real y) const { return b.CreateFCmpOEQ(x, y); }
  Mask isNaN(Real x) const { return b.CreateFCmpUNO(x, x); }
  Mask both(Mask x, Mask y) const { return b.CreateAnd(x, y); }
  Real select(Mask m, Real x, Real y) const { return b.CreateSelect(m, x, y); }
  // A scalar branches (the lanes of a vector could not all take it).
  template <typename Fast, typename General>
  Real when(Mask m, Fast fast, General general) const {
    if (type->isVectorTy()) return general();
    llvm::Function* f = b.GetInsertBlock()->getParent();
    auto* fastBlock = llvm::BasicBlock::Create(b.getContext(), "fast", f);
    auto* generalBlock = llvm::BasicBlock::Create(b.getContext(), "general", f);
    auto* merged = llvm::BasicBlock::Create(b.getContext(), "merged", f);
    b.CreateCondBr(m, fastBlock, generalBlock);
    b.SetInsertPoint(fastBlock);
    Real fastValue = fast();
    llvm::BasicBlock* fastEnd = b.GetInsertBlock();
    b.CreateBr(merged);
    b.SetInsertPoint(generalBlock);
    Real generalValue = general();
    llvm::BasicBlock* generalEnd = b.GetInsertBlock();
    b.CreateBr(merged);
    b.SetInsertPoint(merged);
    llvm::PHINode* value = b.CreatePHI(type, 2);
    value->addIncoming(fastValue, fastEnd);
    value->addIncoming(generalValue, generalEnd);
    return value;
  }

 private:
  Real intrinsic(llvm::Intrinsic::ID id, std::initializer_list<llvm::Value*> args) const {
    return b.CreateIntrinsic(id, {type}, args);
  }
  llvm::Type* integerType() const {
    llvm::Type* i64 = b.getInt64Ty();
    if (auto* vector = llvm::dyn_cast<llvm::FixedVectorType>(type))
      return llvm::FixedVectorType::get(i64, vector->getNumElements());
    return i64;
  }
};

}  // namespace gradc::runtime
