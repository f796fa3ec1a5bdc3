//! Twilio's Programmable Voice webhook protocol, which other providers speak too: the
//! `X-Twilio-Signature` of each request, and TwiML, the XML that answers it. TwiML is
//! written with quick-xml's writer, which escapes every text and attribute.
use std::io;

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use hmac::{Hmac, Mac};
use quick_xml::{Writer, events::BytesText};
use serde_json::json;
use sha1::Sha1;
use sha2::Sha256;
use time::{Duration, OffsetDateTime};

use crate::crypto;

/// How long the agents' devices ring before the caller is offered voicemail.
pub const RING_SECONDS: &str = "30";
/// The most devices one `<Dial>` rings at once (the provider's limit); an agent beyond
/// them is not rung for that call.
pub const MAX_DEVICES: usize = 10;
/// The longest voicemail.
const VOICEMAIL_SECONDS: &str = "120";

/// The signature the provider sends with a POST of `params` to `url` (the address it
/// called, query included): HMAC-SHA1 keyed with the auth token, over the URL followed by
/// each parameter's name and value, sorted by name; base64.
/// (`None` only if HMAC refused the key, which it takes of any length.)
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> Option<String> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).ok()?;
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    Some(STANDARD.encode(mac.finalize().into_bytes()))
}

/// Whether `header` is the signature of this request.
pub fn is_signed(auth_token: &str, url: &str, params: &[(String, String)], header: &str) -> bool {
    signature(auth_token, url, params)
        .is_some_and(|signature| crypto::constant_time_eq(signature.as_bytes(), header.as_bytes()))
}

/// A device that rings, as the `<Dial>` noun that reaches it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Device {
    /// A desk phone: `sip:{extension}@{sip_domain}`.
    Sip(String),
    /// A mobile app, at a phone number.
    Number(String),
    /// A web phone in the panel, by the identity its browser SDK registered.
    Client(String),
}

impl Device {
    /// The device as the REST API's `To` names it.
    pub fn address(&self) -> String {
        match self {
            Self::Sip(uri) => uri.clone(),
            Self::Number(number) => number.clone(),
            Self::Client(identity) => format!("client:{identity}"),
        }
    }
}

/// What answers an incoming call: the greeting, then every device ringing at once.
pub struct Ring<'a> {
    pub greeting: &'a str,
    /// `<Say>`'s language (`en-US`, `zh-CN`).
    pub language: &'a str,
    /// Each device with the address of its status callbacks (who answered, when it ended).
    pub devices: &'a [(Device, String)],
    /// Where the provider posts how the `<Dial>` ended.
    pub dial_action: &'a str,
    /// Where a recording of the conversation is announced; `None`: not recorded.
    pub recording_callback: Option<&'a str>,
}

pub fn ring(ring: &Ring<'_>) -> String {
    respond(|w| {
        say(w, ring.greeting, ring.language)?;
        let mut dial = w
            .create_element("Dial")
            .with_attribute(("timeout", RING_SECONDS))
            .with_attribute(("action", ring.dial_action))
            .with_attribute(("answerOnBridge", "true"));
        if let Some(callback) = ring.recording_callback {
            dial = dial
                .with_attribute(("record", "record-from-answer-dual"))
                .with_attribute(("recordingStatusCallback", callback));
        }
        dial.write_inner_content(|w| {
            for (device, status_callback) in ring.devices {
                let (noun, target) = match device {
                    Device::Sip(uri) => ("Sip", uri),
                    Device::Number(number) => ("Number", number),
                    Device::Client(identity) => ("Client", identity),
                };
                w.create_element(noun)
                    .with_attribute(("statusCallbackEvent", "answered completed"))
                    .with_attribute(("statusCallback", status_callback.as_str()))
                    .write_text_content(BytesText::new(target))?;
            }
            Ok(())
        })?;
        Ok(())
    })
}

/// Asks the caller to leave a message and records it; `action` hears of the recording.
pub fn voicemail(prompt: &str, language: &str, action: &str) -> String {
    respond(|w| {
        say(w, prompt, language)?;
        w.create_element("Record")
            .with_attribute(("action", action))
            .with_attribute(("maxLength", VOICEMAIL_SECONDS))
            .with_attribute(("playBeep", "true"))
            .write_empty()?;
        Ok(())
    })
}

/// Connects the call, once answered, to `number`, which sees `caller_id` calling.
pub fn connect(number: &str, caller_id: &str) -> String {
    respond(|w| {
        w.create_element("Dial")
            .with_attribute(("callerId", caller_id))
            .write_inner_content(|w| {
                w.create_element("Number")
                    .write_text_content(BytesText::new(number))?;
                Ok(())
            })?;
        Ok(())
    })
}

/// A call the desk starts through the provider's REST API.
pub struct OutgoingCall<'a> {
    /// Rings first: the agent's device (`sip:…`, `client:…` or a number).
    pub to: &'a str,
    /// The workspace's number the call comes from.
    pub from: &'a str,
    /// What happens once `to` answers.
    pub twiml: &'a str,
    /// Where the provider reports the call's status.
    pub status_callback: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("the voice provider was not reached: {0}")]
    Unreachable(String),
    #[error("the voice provider refused the call ({status}): {message}")]
    Refused { status: u16, message: String },
}

/// How long a request to the provider's API may take.
const API_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Starts `call` on the account (`POST /2010-04-01/Accounts/{sid}/Calls.json`, HTTP basic
/// authentication with the account SID and auth token); the new call's SID.
pub async fn start_call(
    api_base: &str,
    account_sid: &str,
    auth_token: &str,
    call: &OutgoingCall<'_>,
) -> Result<String, CallError> {
    #[derive(serde::Deserialize)]
    struct Created {
        sid: String,
    }
    #[derive(serde::Deserialize, Default)]
    struct Refusal {
        #[serde(default)]
        message: String,
    }
    // reqwest is built without a TLS provider of its own: ring, as for sqlx and lettre.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(API_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| CallError::Unreachable(error.to_string()))?;
    let url = format!("{api_base}/2010-04-01/Accounts/{account_sid}/Calls.json");
    let form = [
        ("To", call.to),
        ("From", call.from),
        ("Twiml", call.twiml),
        ("StatusCallback", call.status_callback),
        ("StatusCallbackEvent", "answered"),
        ("StatusCallbackEvent", "completed"),
    ];
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let response = http
        .post(&url)
        .basic_auth(account_sid, Some(auth_token))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
        .map_err(|error| CallError::Unreachable(error.without_url().to_string()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|error| CallError::Unreachable(error.without_url().to_string()))?;
    if !status.is_success() {
        let refusal: Refusal = serde_json::from_str(&text).unwrap_or_default();
        return Err(CallError::Refused {
            status: status.as_u16(),
            message: refusal.message,
        });
    }
    serde_json::from_str::<Created>(&text)
        .map(|created| created.sid)
        .map_err(|error| CallError::Unreachable(error.to_string()))
}

/// What a web phone's access token grants: to be rung as `identity` (a `<Client>`).
pub struct AccessToken<'a> {
    pub account_sid: &'a str,
    pub api_key_sid: &'a str,
    pub api_key_secret: &'a str,
    pub identity: &'a str,
    pub issued_at: OffsetDateTime,
    pub lifetime: Duration,
}

impl AccessToken<'_> {
    /// The token as the provider's browser SDK takes it: a JWT (HS256, keyed with the API
    /// key's secret) issued by the key for the account, with a voice grant that lets the
    /// identity receive calls. (It grants no outgoing calls: a call back rings the agent
    /// through the REST API.) `None` only if HMAC refused the key, which it takes of any
    /// length.
    pub fn to_jwt(&self) -> Option<String> {
        let issued_at = self.issued_at.unix_timestamp();
        let header = json!({"alg": "HS256", "typ": "JWT", "cty": "twilio-fpa;v=1"});
        let claims = json!({
            "jti": format!("{}-{issued_at}", self.api_key_sid),
            "iss": self.api_key_sid,
            "sub": self.account_sid,
            "iat": issued_at,
            "exp": issued_at + self.lifetime.whole_seconds(),
            "grants": {
                "identity": self.identity,
                "voice": {"incoming": {"allow": true}},
            },
        });
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(self.api_key_secret.as_bytes()).ok()?;
        mac.update(signed.as_bytes());
        Some(format!(
            "{signed}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        ))
    }
}

/// Ends the call.
pub fn hang_up() -> String {
    respond(|w| {
        w.create_element("Hangup").write_empty()?;
        Ok(())
    })
}

/// Nothing more to do: the provider goes on as it would.
pub fn nothing() -> String {
    respond(|_| Ok(()))
}

fn say(w: &mut Writer<Vec<u8>>, text: &str, language: &str) -> io::Result<()> {
    if !text.trim().is_empty() {
        w.create_element("Say")
            .with_attribute(("language", language))
            .write_text_content(BytesText::new(text.trim()))?;
    }
    Ok(())
}

fn respond(content: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> String {
    let mut writer = Writer::new(br#"<?xml version="1.0" encoding="UTF-8"?>"#.to_vec());
    // Writing into a Vec cannot fail.
    let _ = writer
        .create_element("Response")
        .write_inner_content(content);
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request that the provider's own Node.js library signs in its tests, with the
    /// signature it expects: a vector this code did not make.
    #[test]
    fn signs_as_the_provider_documents() {
        let params = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        let token = "12345";
        let expected = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
        assert_eq!(signature(token, url, &params).as_deref(), Some(expected));
        assert!(is_signed(token, url, &params, expected));
        assert!(!is_signed("54321", url, &params, expected));
        let mut changed = params.clone();
        changed[2].1 = "9999".into();
        assert!(!is_signed(token, url, &changed, expected));
    }

    #[test]
    fn an_access_token_is_a_jwt_signed_by_the_api_key() {
        let token = AccessToken {
            account_sid: "AC00000000000000000000000000000001",
            api_key_sid: "SK00000000000000000000000000000002",
            api_key_secret: "the-secret",
            identity: "agent-1",
            issued_at: OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
            lifetime: Duration::hours(1),
        }
        .to_jwt()
        .unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |part: &str| -> serde_json::Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
        };
        let header = decode(parts[0]);
        assert_eq!(header["alg"], "HS256");
        assert_eq!(header["cty"], "twilio-fpa;v=1");
        let claims = decode(parts[1]);
        assert_eq!(claims["iss"], "SK00000000000000000000000000000002");
        assert_eq!(claims["sub"], "AC00000000000000000000000000000001");
        assert_eq!(
            claims["jti"],
            "SK00000000000000000000000000000002-1700000000"
        );
        assert_eq!(claims["exp"], 1_700_003_600);
        assert_eq!(claims["grants"]["identity"], "agent-1");
        assert_eq!(claims["grants"]["voice"]["incoming"]["allow"], true);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"the-secret").unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap())
            .expect("signed with the API key's secret");
    }

    #[test]
    fn a_ring_escapes_what_it_is_given() {
        let devices = [(
            Device::Sip("sip:101@acme.sip.example.com".into()),
            "https://desk.example/voice/t/status?agent=a&x=1".into(),
        )];
        let xml = ring(&Ring {
            greeting: "Hello <caller> & welcome",
            language: "en-US",
            devices: &devices,
            dial_action: "https://desk.example/voice/t/dial-status",
            recording_callback: None,
        });
        assert!(xml.contains("Hello &lt;caller&gt; &amp; welcome"), "{xml}");
        assert!(xml.contains("status?agent=a&amp;x=1"), "{xml}");
        assert!(!xml.contains("record="), "{xml}");
    }
}
