// HoneException.cs: what every C# wrapper throws when a C call returns a status other than
// Ok: the status and the C API's message for the calling thread ("hone_engine_load_file:
// 'a.hone': not a Hone engine file").
using System;

namespace Hone
{
    /// <summary>A Hone call failed: <see cref="Status"/> says how, Message says why.</summary>
    public class HoneException : Exception
    {
        public HoneException(Status status, string message) : base(message)
        {
            Status = status;
        }

        /// <summary>The C API's status code (never Ok).</summary>
        public Status Status { get; }

        /// <summary>Throws for a failed call, with the thread's last-error message.</summary>
        internal static void Check(Status status)
        {
            if (status != Status.Ok) throw new HoneException(status, LastError(status));
        }

        private static string LastError(Status status)
        {
            string message = Utf8.Decode(Native.hone_last_error_message());
            return message.Length > 0 ? message : Utf8.Decode(Native.hone_status_name(status));
        }
    }
}
