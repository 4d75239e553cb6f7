// Shapes.cs: shape queries through the C API's two-call convention (rank, then dims) and the
// byte sizes of managed arrays.
using System;

namespace Hone
{
    internal delegate Status ShapeQuery(long[] dims, UIntPtr capacity, out long rank);

    internal static class Shapes
    {
        /// <summary>The dims a C shape query reports; null for rank -1 (unknown).</summary>
        internal static long[] Query(ShapeQuery query)
        {
            long rank;
            HoneException.Check(query(null, UIntPtr.Zero, out rank));
            if (rank < 0) return null;
            var dims = new long[rank];
            if (rank > 0) HoneException.Check(query(dims, (UIntPtr)(ulong)rank, out rank));
            return dims;
        }

        internal static long Product(long[] dims)
        {
            long n = 1;
            foreach (long d in dims) n *= d;
            return n;
        }

        internal static long[] OrEmpty(long[] dims) => dims ?? new long[0];
    }
}
