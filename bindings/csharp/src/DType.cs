// DType.cs: element types (hone_dtype, numbered as ONNX's TensorProto.DataType).
namespace Hone
{
    /// <summary>Element types of tensors, numbered as ONNX's TensorProto.DataType.</summary>
    public enum DType
    {
        Undefined = 0,
        Float32 = 1,
        UInt8 = 2,
        Int8 = 3,
        UInt16 = 4,
        Int16 = 5,
        Int32 = 6,
        Int64 = 7,
        String = 8,
        Bool = 9,
        Float16 = 10,
        Float64 = 11,
        UInt32 = 12,
        UInt64 = 13,
        Complex64 = 14,
        Complex128 = 15,
        BFloat16 = 16,
    }
}
