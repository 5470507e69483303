//! `-j`: a JSON array of socket objects.

use std::net::{IpAddr, Ipv4Addr, TcpStream};

use serde_json::Value;
use sockdiag_tests::{sockdiag, tcp_listener, wait_for};

fn json(args: &[&str]) -> Value {
    let run = sockdiag(args);
    serde_json::from_str(run.success()).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{run}"))
}

#[test]
fn listener_object() {
    let (listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 7);
    let _clients: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(listener.local_addr().unwrap()).expect("connect"))
        .collect();
    let filter = format!("sport = :{port}");
    let object = wait_for("three connections in the accept queue", || {
        let array = json(&["-tln", "-j", &filter]);
        let objects = array.as_array().expect("a JSON array");
        assert_eq!(objects.len(), 1, "one listener: {array}");
        if objects[0]["recv_q"] == 3 {
            Ok(objects[0].clone())
        } else {
            Err(array.to_string())
        }
    });

    assert_eq!(object["netid"], "tcp", "{object}");
    assert_eq!(object["state"], "LISTEN", "{object}");
    assert_eq!(object["recv_q"], 3, "{object}");
    assert_eq!(object["send_q"], 7, "{object}");
    assert_eq!(object["local_address"], "127.0.0.1", "{object}");
    assert_eq!(object["local_port"], port, "{object}");
}

#[test]
fn nothing_matched_is_an_empty_array() {
    // A listener's port with -t and no -l: its only socket is filtered out.
    let (_listener, port) = tcp_listener(IpAddr::V4(Ipv4Addr::LOCALHOST), 1);
    let run = sockdiag(&["-tn", "-j", &format!("sport = :{port}")]);
    assert_eq!(run.success(), "[]\n");
    assert_eq!(
        json(&["-tn", "-j", &format!("sport = :{port}")]),
        Value::Array(vec![])
    );
}
