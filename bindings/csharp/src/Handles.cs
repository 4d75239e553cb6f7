// Handles.cs: one SafeHandle per C handle type, so that every native object is destroyed
// exactly once: by Dispose() of the class that owns it, or by the finalizer when it was never
// disposed. The P/Invoke marshaller keeps a handle alive (AddRef/Release) during each call
// and throws ObjectDisposedException for one that was already closed.
using System;
using System.Runtime.InteropServices;

namespace Hone
{
    /// <summary>A C handle (hone_*_t*): NULL is invalid, ReleaseHandle calls its *_destroy.</summary>
    internal abstract class HoneHandle : SafeHandle
    {
        protected HoneHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid => handle == IntPtr.Zero;
    }

    internal sealed class NetworkHandle : HoneHandle
    {
        protected override bool ReleaseHandle() => Native.hone_network_destroy(handle) == Status.Ok;
    }

    internal sealed class BuilderConfigHandle : HoneHandle
    {
        protected override bool ReleaseHandle() => Native.hone_builder_config_destroy(handle) == Status.Ok;
    }

    internal sealed class EngineHandle : HoneHandle
    {
        protected override bool ReleaseHandle() => Native.hone_engine_destroy(handle) == Status.Ok;
    }

    internal sealed class ContextHandle : HoneHandle
    {
        protected override bool ReleaseHandle() => Native.hone_context_destroy(handle) == Status.Ok;
    }

    internal sealed class TensorHandle : HoneHandle
    {
        protected override bool ReleaseHandle() => Native.hone_tensor_destroy(handle) == Status.Ok;
    }

    internal sealed class PredictorHandle : HoneHandle
    {
        protected override bool ReleaseHandle() => Native.hone_predictor_destroy(handle) == Status.Ok;
    }

    internal sealed class PredictionHandle : HoneHandle
    {
        protected override bool ReleaseHandle() => Native.hone_prediction_destroy(handle) == Status.Ok;
    }

    internal static class HandleChecks
    {
        /// <summary>The handle, or ObjectDisposedException naming `owner` when it was disposed.</summary>
        internal static T Live<T>(T handle, string owner) where T : HoneHandle
        {
            if (handle == null || handle.IsClosed || handle.IsInvalid) throw new ObjectDisposedException(owner);
            return handle;
        }
    }
}
