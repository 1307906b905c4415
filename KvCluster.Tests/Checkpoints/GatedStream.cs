namespace KvCluster.Tests.Checkpoints;

/// <summary>
/// A readable stream that serves its first <c>pauseAfter</c> bytes, then waits until the test opens the gate:
/// lets a test look at Redis while a checkpoint is half written.
/// </summary>
internal sealed class GatedStream(byte[] bytes, int pauseAfter) : Stream
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _position;

    /// <summary>Completes once the reader has taken every byte before the pause and asked for more.</summary>
    public Task Paused => _paused.Task;

    public void Open() => _gate.TrySetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position == pauseAfter)
        {
            _paused.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
        }
        int limit = _position < pauseAfter ? pauseAfter : bytes.Length;
        int n = Math.Min(buffer.Length, limit - _position);
        bytes.AsMemory(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
