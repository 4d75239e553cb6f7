// TensorInfo.cs: the name, element type and shape of an engine input or output.
using System;

namespace Hone
{
    /// <summary>An engine input or output as the engine knows it before a run.</summary>
    public sealed class TensorInfo
    {
        internal TensorInfo(string name, bool isInput, DType dtype, long[] shape)
        {
            Name = name;
            IsInput = isInput;
            DType = dtype;
            Shape = shape;
        }

        public string Name { get; }
        public bool IsInput { get; }
        public DType DType { get; }

        /// <summary>The dims, -1 where they depend on the input shapes; null when even the rank is unknown.</summary>
        public long[] Shape { get; }

        public override string ToString() =>
            Name + ": " + DType + (Shape == null ? " (unknown shape)" : " [" + string.Join(",", Shape) + "]");
    }

    /// <summary>The shapes an input was built for (an optimization profile): min, opt and max dims.</summary>
    public sealed class InputProfile
    {
        internal InputProfile(long[] min, long[] opt, long[] max)
        {
            Min = min;
            Opt = opt;
            Max = max;
        }

        public long[] Min { get; }
        public long[] Opt { get; }
        public long[] Max { get; }
    }
}
