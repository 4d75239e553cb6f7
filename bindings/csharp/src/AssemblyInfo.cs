// AssemblyInfo.cs: Hone.dll's identity; the test program may call internals (the C
// defaults behind the option classes).
using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("Hone")]
[assembly: AssemblyDescription("C# bindings of the Hone inference engine (P/Invoke over libhone_c.so)")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: InternalsVisibleTo("Hone.Tests")]
