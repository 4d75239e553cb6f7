// Status.cs: the C API's status codes (hone_status), value for value.
namespace Hone
{
    /// <summary>What a Hone call returned; every value but Ok is thrown as a HoneException.</summary>
    public enum Status
    {
        Ok = 0,
        /// <summary>A caller-supplied value (handle, buffer, shape, dtype, option) is wrong.</summary>
        InvalidArgument = 1,
        /// <summary>The model file, graph or engine file is malformed or corrupt.</summary>
        InvalidModel = 2,
        /// <summary>Valid, but Hone does not implement it (operator, dtype, version, device).</summary>
        Unsupported = 3,
        /// <summary>A file, input, output or tensor name does not exist.</summary>
        NotFound = 4,
        /// <summary>Reading or writing a file failed.</summary>
        IoError = 5,
        /// <summary>An index or value outside what is accepted.</summary>
        OutOfRange = 6,
        /// <summary>A broken invariant inside Hone, or an exception caught at the C boundary.</summary>
        Internal = 7,
    }
}
