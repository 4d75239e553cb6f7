// Utf8.cs: strings across the C API: NUL-terminated UTF-8 in, UTF-8 pointers back.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Hone
{
    internal static class Utf8
    {
        /// <summary>`text` as NUL-terminated UTF-8; null stays null (the C side reports it).</summary>
        internal static byte[] Encode(string text)
        {
            if (text == null) return null;
            var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
            Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, 0);
            return bytes;
        }

        /// <summary>The NUL-terminated UTF-8 string at `pointer` ("" for IntPtr.Zero).</summary>
        internal static unsafe string Decode(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero) return "";
            byte* p = (byte*)pointer;
            int length = 0;
            while (p[length] != 0) ++length;
            return Encoding.UTF8.GetString(p, length);
        }
    }
}
