// Image.cs: an 8-bit 3-channel image in managed memory, read, decoded and written through
// the C API (OpenCV's imgcodecs inside Hone): what predictions are drawn onto and saved.
using System;
using System.Runtime.InteropServices;

namespace Hone.Vision
{
    /// <summary>An interleaved 8-bit 3-channel image, rows packed (stride = Width * 3).</summary>
    public sealed class Image
    {
        /// <summary>Wraps `pixels` (not copied): Width * Height * 3 bytes in `format` order.</summary>
        public Image(byte[] pixels, int width, int height, PixelFormat format = PixelFormat.Bgr)
        {
            if (pixels == null) throw new ArgumentNullException(nameof(pixels));
            if (width < 1 || height < 1) throw new ArgumentException("the image is " + width + "x" + height);
            if (pixels.LongLength != (long)width * height * 3)
            {
                throw new ArgumentException("a " + width + "x" + height + " image takes " + ((long)width * height * 3) + " bytes, not " + pixels.LongLength, nameof(pixels));
            }
            Pixels = pixels;
            Width = width;
            Height = height;
            Format = format;
        }

        public byte[] Pixels { get; }
        public int Width { get; }
        public int Height { get; }
        public PixelFormat Format { get; }

        /// <summary>Reads an image file (JPEG, PNG, BMP...) as BGR. HoneException: NotFound,
        /// IoError, InvalidArgument when it is not an image.</summary>
        public static Image Read(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            IntPtr pixels;
            int width, height;
            HoneException.Check(Native.hone_image_read(Utf8.Encode(path), out pixels, out width, out height));
            return Take(pixels, width, height);
        }

        /// <summary>Decodes an encoded image as BGR (InvalidArgument when it is not one).</summary>
        public static Image Decode(byte[] encoded)
        {
            if (encoded == null) throw new ArgumentNullException(nameof(encoded));
            IntPtr pixels;
            int width, height;
            HoneException.Check(Native.hone_image_decode(encoded, (UIntPtr)encoded.Length, out pixels, out width, out height));
            return Take(pixels, width, height);
        }

        /// <summary>Writes the image, encoded by the extension (.jpg, .jpeg, .png, .bmp).</summary>
        public unsafe void Save(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            fixed (byte* p = Pixels)
            {
                HoneException.Check(Native.hone_image_write(Utf8.Encode(path), p, (UIntPtr)Pixels.Length, Width, Height, UIntPtr.Zero, (int)Format));
            }
        }

        public Image Clone() => new Image((byte[])Pixels.Clone(), Width, Height, Format);

        private static Image Take(IntPtr pixels, int width, int height)
        {
            try
            {
                var bytes = new byte[(long)width * height * 3];
                Marshal.Copy(pixels, bytes, 0, bytes.Length);
                return new Image(bytes, width, height, PixelFormat.Bgr);
            }
            finally
            {
                Native.hone_free(pixels);
            }
        }
    }
}
