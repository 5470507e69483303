//! A long dump received by a second process while this one decodes.
//!
//! The kernel builds each datagram of a dump inside the recv() that asks
//! for it, so a process that receives and decodes alternates between the
//! kernel's walk and its own work, and its time is their sum. Once a
//! dump has given 64 KiB and goes on (`source.rs` decides),
//! [`Reader::start`] forks a child that receives the rest and passes each
//! datagram on through a pipe: the walk (in the child's recv()) and the
//! decoding (here) then run on two cores, and the run takes about the
//! longer of the two (README, "Benchmark"). A process, not a thread:
//! std's threads cost about 28 KB of the 512 KiB budget, fork() and the
//! pipe 1,064 bytes.
//!
//! The pipe carries frames, host byte order: a `u32` length and that many
//! bytes of one datagram; or [`FAILED`] and the errno of a failed
//! receive; or [`TOO_LONG`] and the size of a datagram longer than the
//! buffer. The child ends after the datagram that ends the dump, after
//! an error, or when the parent closes its end (its write fails).

use std::os::fd::{AsFd, OwnedFd};

use rustix::io::Errno;
use rustix::pipe::PipeFlags;
use rustix::process::{Pid, Signal, WaitOptions};
use sockdiag_codec::wire::nlmsg;

use crate::kernel::socket::{DiagSocket, NetError, RECV_BUF};

/// The frame tag of a receive that failed; an errno follows.
const FAILED: u32 = u32::MAX;
/// The frame tag of a datagram too long for the buffer; its size follows.
const TOO_LONG: u32 = u32::MAX - 1;
/// The length of a frame's head.
const HEAD: usize = 4;
/// How far the child may run ahead of the decoding: 32 datagrams. Linux
/// lets any process raise a pipe to 1 MiB (`fs.pipe-max-size`); where it
/// cannot, the default 64 KiB still overlaps the two.
const PIPE_SIZE: usize = 1 << 20;

/// The child receiving the rest of one dump, and the pipe it writes to.
pub struct Reader {
    pipe: OwnedFd,
    child: Pid,
    /// The dump's last datagram has been read: the child has ended or is
    /// about to.
    done: bool,
}

impl Reader {
    /// Forks the child that receives the rest of the dump `socket` is
    /// answering. `None` when no pipe or process could be made: the
    /// caller then receives on itself, which is slower, not different.
    pub fn start(socket: &DiagSocket) -> Option<Reader> {
        let (read, write) = rustix::pipe::pipe_with(PipeFlags::CLOEXEC).ok()?;
        let _ = rustix::pipe::fcntl_setpipe_size(&write, PIPE_SIZE);
        // Allocated before fork(): the child allocates nothing.
        let mut buf = vec![0u8; HEAD + RECV_BUF];
        // SAFETY: the child only makes system calls through rustix (recv,
        // write) on memory it owns and then _exit()s, never returning
        // into the caller, so nothing that fork() leaves inconsistent in
        // a child (locks another thread held, the allocator, stdio
        // buffers) is touched there. Only the one-shot commands fork, and
        // they run one thread.
        match unsafe { libc::fork() } {
            0 => {
                drop(read);
                let code = relay(socket, &write, &mut buf);
                // SAFETY: _exit() ends the child without running the
                // parent's exit handlers or flushing its copied buffers.
                unsafe { libc::_exit(code) }
            }
            // No process could be made (a process limit): receive here.
            pid if pid < 0 => None,
            pid => Some(Reader {
                pipe: read,
                child: Pid::from_raw(pid)?,
                done: false,
            }),
        }
    }

    /// The next datagram of the dump, into `buf`.
    pub fn recv<'b>(&mut self, buf: &'b mut [u8]) -> Result<&'b [u8], NetError> {
        let mut head = [0u8; HEAD];
        self.read_exact(&mut head)?;
        let len = u32::from_ne_bytes(head);
        if len == FAILED || len == TOO_LONG {
            let mut value = [0u8; 4];
            self.read_exact(&mut value)?;
            let value = u32::from_ne_bytes(value);
            self.done = true;
            return Err(match len {
                FAILED => NetError::Sys(
                    "cannot receive from the kernel",
                    Errno::from_raw_os_error(value as i32),
                ),
                _ => NetError::Truncated(value as usize),
            });
        }
        let datagram = buf
            .get_mut(..len as usize)
            .ok_or(NetError::Truncated(len as usize))?;
        self.read_exact(datagram)?;
        self.done = !nlmsg::continues(datagram);
        Ok(datagram)
    }

    /// True once the dump's last datagram (or an error) has been read.
    pub fn is_done(&self) -> bool {
        self.done
    }

    fn read_exact(&mut self, mut to: &mut [u8]) -> Result<(), NetError> {
        while !to.is_empty() {
            match rustix::io::read(&self.pipe, &mut *to) {
                Ok(0) => {
                    // The child ended before the dump did (killed).
                    self.done = true;
                    return Err(NetError::Sys(
                        "the process receiving the dump ended early",
                        Errno::PIPE,
                    ));
                }
                Ok(n) => to = &mut to[n..],
                Err(Errno::INTR) => {}
                Err(e) => return Err(NetError::Sys("cannot read the dump's pipe", e)),
            }
        }
        Ok(())
    }
}

impl Drop for Reader {
    /// Reaps the child; one still running (the dump was abandoned) is
    /// killed first, so none outlives its dump.
    fn drop(&mut self) {
        if !self.done {
            let _ = rustix::process::kill_process(self.child, Signal::KILL);
        }
        while let Err(Errno::INTR) =
            rustix::process::waitpid(Some(self.child), WaitOptions::empty())
        {}
    }
}

/// The child's loop: each datagram (or error) of the dump into the pipe
/// as a frame, until the one that ends it. Returns the exit code.
fn relay(socket: &DiagSocket, pipe: &OwnedFd, buf: &mut [u8]) -> i32 {
    loop {
        // The datagram lands after the head, so a frame is one write.
        let (tag, body_len, last) = match socket.recv(&mut buf[HEAD..]) {
            Ok(datagram) => (
                datagram.len() as u32,
                datagram.len(),
                !nlmsg::continues(datagram),
            ),
            Err(e) => {
                let (tag, value) = match e {
                    NetError::Truncated(n) => (TOO_LONG, n as u32),
                    NetError::Sys(_, errno) => (FAILED, errno.raw_os_error() as u32),
                    _ => (FAILED, Errno::IO.raw_os_error() as u32),
                };
                buf[HEAD..HEAD + 4].copy_from_slice(&value.to_ne_bytes());
                (tag, 4, true)
            }
        };
        buf[..HEAD].copy_from_slice(&tag.to_ne_bytes());
        let mut frame = &buf[..HEAD + body_len];
        while !frame.is_empty() {
            match rustix::io::write(pipe.as_fd(), frame) {
                Ok(n) => frame = &frame[n..],
                Err(Errno::INTR) => {}
                // The parent is gone or gave up on the dump.
                Err(_) => return 1,
            }
        }
        if last {
            return 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// A reader of frames written here, whose "child" is a sleeping
    /// process: the frames' decoding and the reaping, without a kernel.
    fn fake() -> (Reader, OwnedFd, Pid) {
        let (read, write) = rustix::pipe::pipe_with(PipeFlags::CLOEXEC).unwrap();
        // Reaped by the reader's drop, as a forked child is.
        #[allow(clippy::zombie_processes)]
        let sleeper = Command::new("sleep").arg("60").spawn().unwrap();
        let child = Pid::from_raw(sleeper.id() as i32).unwrap();
        let reader = Reader {
            pipe: read,
            child,
            done: false,
        };
        (reader, write, child)
    }

    fn message(msg_type: u16, flags: u16) -> [u8; 20] {
        let mut m = [0u8; 20];
        m[0..4].copy_from_slice(&20u32.to_ne_bytes());
        m[4..6].copy_from_slice(&msg_type.to_ne_bytes());
        m[6..8].copy_from_slice(&flags.to_ne_bytes());
        m
    }

    fn send(pipe: &OwnedFd, tag: u32, body: &[u8]) {
        rustix::io::write(pipe, &tag.to_ne_bytes()).unwrap();
        rustix::io::write(pipe, body).unwrap();
    }

    fn is_gone(pid: Pid) -> bool {
        rustix::process::test_kill_process(pid) == Err(Errno::SRCH)
    }

    /// Drops a reader that is done, as the source does: it only reaps
    /// (a real child has ended by then), so the sleeper is ended first.
    fn end(reader: Reader, child: Pid) {
        assert!(reader.is_done());
        let _ = rustix::process::kill_process(child, Signal::KILL);
        drop(reader);
        assert!(is_gone(child));
    }

    #[test]
    fn test_parse() {
        let (mut reader, pipe, child) = fake();
        let part = message(20, nlmsg::flags::MULTI);
        let done = message(nlmsg::kind::DONE, nlmsg::flags::MULTI);
        send(&pipe, 20, &part);
        send(&pipe, 20, &done);
        let mut buf = [0u8; 64];
        assert_eq!(reader.recv(&mut buf).unwrap(), part);
        assert!(!reader.is_done());
        assert_eq!(reader.recv(&mut buf).unwrap(), done);
        end(reader, child);
    }

    #[test]
    fn test_errors() {
        let mut buf = [0u8; 64];
        let (mut reader, pipe, child) = fake();
        send(&pipe, FAILED, &105u32.to_ne_bytes());
        match reader.recv(&mut buf) {
            Err(NetError::Sys(_, e)) => assert_eq!(e, Errno::NOBUFS),
            other => panic!("{other:?}"),
        }
        end(reader, child);

        let (mut reader, pipe, child) = fake();
        send(&pipe, TOO_LONG, &40000u32.to_ne_bytes());
        assert!(matches!(
            reader.recv(&mut buf),
            Err(NetError::Truncated(40000))
        ));
        end(reader, child);

        // A length longer than the caller's buffer is refused, not read:
        // the dump is given up on, and the child killed.
        let (mut reader, pipe, child) = fake();
        send(&pipe, 65, &[0; 65]);
        assert!(matches!(
            reader.recv(&mut buf),
            Err(NetError::Truncated(65))
        ));
        drop(reader);
        assert!(is_gone(child));
    }

    #[test]
    fn test_truncated() {
        // The child ended mid-frame and mid-dump.
        let (mut reader, pipe, child) = fake();
        rustix::io::write(&pipe, &20u32.to_ne_bytes()).unwrap();
        rustix::io::write(&pipe, &[0; 10]).unwrap();
        drop(pipe);
        let mut buf = [0u8; 64];
        match reader.recv(&mut buf) {
            Err(e @ NetError::Sys(..)) => {
                assert!(e.to_string().contains("ended early"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        end(reader, child);
    }

    #[test]
    fn test_drop_kills() {
        // A dump given up on: its child is killed and reaped.
        let (reader, _pipe, child) = fake();
        assert!(!is_gone(child));
        drop(reader);
        assert!(is_gone(child));
    }
}
