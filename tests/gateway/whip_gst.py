#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A WHIP publisher (RFC 9725) made of GStreamer's webrtcbin, a WebRTC
stack no one here wrote:

    whip_gst.py --url http://127.0.0.1:8080/whip/ROOM [--token SECRET]
                [--seconds N]

videotestsrc -> vp8enc -> rtpvp8pay and audiotestsrc -> opusenc ->
rtpopuspay, both sendonly, into webrtcbin (max-bundle). The offer is
POSTed once ICE gathering is complete (its candidates in the SDP, no
trickle), the answer applied; it streams for N seconds (0: until SIGINT
or SIGTERM), then DELETEs the session. One progress line per step on
stdout. Exit 0 if all went well, 1 on any failure (an HTTP error, ICE or
DTLS failing, nothing sent), 2 on bad arguments, 77 if Python's gi,
GStreamer or one of its elements is missing (--check only checks that).

Use Debian's /usr/bin/python3: it is the one with gi. webrtcbin gathers
nothing when the only interface is loopback (a test namespace) unless
127.0.0.1 is given to its NiceAgent (nice_agent_add_local_address),
which --local-ip does (default 127.0.0.1; '' to leave libnice alone).
"""
import argparse
import ctypes
import signal
import sys
import urllib.error
import urllib.parse
import urllib.request

ELEMENTS = ('webrtcbin', 'videotestsrc', 'vp8enc', 'rtpvp8pay',
            'audiotestsrc', 'opusenc', 'rtpopuspay', 'audioconvert',
            'audioresample', 'videoconvert')
SAFETY_S = 60  # a safety net for the handshake, far above a normal run


def say(*words):
    print('whip_gst:', *words, flush=True)


def load_gi():
    """The GI modules, or a reason why not."""
    try:
        import gi
        gi.require_version('Gst', '1.0')
        gi.require_version('GstSdp', '1.0')
        gi.require_version('GstWebRTC', '1.0')
        gi.require_version('Nice', '0.1')
        from gi.repository import GLib, Gst, GstSdp, GstWebRTC, Nice
    except (ImportError, ValueError) as e:
        return None, f'python gi with Gst, GstSdp, GstWebRTC and Nice ' \
            f'typelibs is needed ({sys.executable}: {e})'
    Gst.init(None)
    missing = [e for e in ELEMENTS if not Gst.ElementFactory.find(e)]
    if missing:
        return None, 'GStreamer elements missing: ' + ', '.join(missing)
    return (GLib, Gst, GstSdp, GstWebRTC, Nice), ''


def hold_ice_agent(ice):
    """webrtcbin 1.22 keeps its GstWebRTCICE as the floating reference it
    was made with; reading the 'ice-agent' property from Python sinks it,
    so the Python wrapper then holds the only reference and webrtcbin a
    borrowed one (freed under it when the wrapper goes, unreffed twice at
    the end). Give webrtcbin its reference back."""
    if ice.__grefcount__ != 1:
        return
    gobject = ctypes.CDLL('libgobject-2.0.so.0')
    gobject.g_object_ref.argtypes = [ctypes.c_void_p]
    gobject.g_object_ref.restype = ctypes.c_void_p
    capsule = ctypes.pythonapi.PyCapsule_GetPointer
    capsule.argtypes = [ctypes.py_object, ctypes.c_char_p]
    capsule.restype = ctypes.c_void_p
    gobject.g_object_ref(capsule(ice.__gpointer__, None))


class Http:
    """WHIP over urllib: the session's resource and ETag."""

    def __init__(self, url, token):
        self.url = url
        self.token = token
        self.location = None
        self.etag = None

    def request(self, method, url, body=None, ctype=None):
        req = urllib.request.Request(url, data=body, method=method)
        if ctype:
            req.add_header('Content-Type', ctype)
        if self.token:
            req.add_header('Authorization', f'Bearer {self.token}')
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def post(self, sdp):
        status, hdr, body = self.request('POST', self.url, sdp.encode(),
                                         'application/sdp')
        if status != 201:
            raise RuntimeError(f'POST {self.url}: {status} '
                               f'{body.decode(errors="replace").strip()}')
        loc = hdr.get('Location')
        if not loc or hdr.get_content_type() != 'application/sdp':
            raise RuntimeError(f'POST {self.url}: 201 without Location or '
                               f'application/sdp ({hdr.get("Location")}, '
                               f'{hdr.get("Content-Type")})')
        self.location = urllib.parse.urljoin(self.url, loc)
        self.etag = hdr.get('ETag')
        return body.decode()

    def delete(self):
        status, _, body = self.request('DELETE', self.location)
        return status, body.decode(errors='replace').strip()


def with_candidates(sdp, cands):
    """The offer with the gathered candidates in its first m-section (the
    BUNDLE transport) and a=end-of-candidates, if webrtcbin did not put
    them there itself."""
    lines = sdp.replace('\r\n', '\n').rstrip('\n').split('\n')
    if any(ln.startswith('a=candidate:') for ln in lines):
        say('the offer carries its candidates')
        return sdp
    say(f'{len(cands)} candidate(s) put in the offer')
    first = next(i for i, ln in enumerate(lines) if ln.startswith('m='))
    end = next((i for i in range(first + 1, len(lines))
                if lines[i].startswith('m=')), len(lines))
    add = [f'a={c}' for c in cands] + ['a=end-of-candidates']
    lines[end:end] = add
    return '\r\n'.join(lines) + '\r\n'


class Publisher:
    def __init__(self, mods, opt):
        (self.GLib, self.Gst, self.GstSdp, self.GstWebRTC,
         self.Nice) = mods
        self.opt = opt
        self.http = Http(opt.url, opt.token)
        self.rc = None
        self.cands = []
        self.connected = False
        self.loop = self.GLib.MainLoop()
        self.pipe = self.Gst.parse_launch(
            'webrtcbin name=w bundle-policy=max-bundle '
            'videotestsrc is-live=true pattern=ball ! '
            'video/x-raw,width=320,height=240,framerate=30/1 ! '
            'videoconvert ! vp8enc deadline=1 keyframe-max-dist=30 ! '
            'rtpvp8pay pt=96 picture-id-mode=15-bit ! '
            'application/x-rtp,media=video,encoding-name=VP8,payload=96,'
            'clock-rate=90000,rtcp-fb-nack-pli=true ! w. '
            'audiotestsrc is-live=true wave=sine freq=440 ! '
            'audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! '
            'application/x-rtp,media=audio,encoding-name=OPUS,payload=111,'
            'clock-rate=48000 ! w.')
        self.w = self.pipe.get_by_name('w')
        self.ice = self.w.get_property('ice-agent')
        hold_ice_agent(self.ice)
        self.ice.set_property('ice-tcp', False)  # the gateway is UDP only
        if opt.local_ip:
            agent = self.ice.get_property('agent')
            addr = self.Nice.Address.new()
            if not addr.set_from_string(opt.local_ip) or \
                    not agent.add_local_address(addr):
                raise RuntimeError(f'NiceAgent refused {opt.local_ip}')
            say(f'NiceAgent gathers on {opt.local_ip}')
        self.w.connect('on-negotiation-needed', self.on_negotiation)
        self.w.connect('on-ice-candidate', self.on_candidate)
        self.w.connect('notify::ice-gathering-state', self.on_gathering)
        self.w.connect('notify::connection-state', self.on_state)
        self.w.connect('notify::ice-connection-state', self.on_state)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect('message::error', self.on_error)

    # ---- ending ---------------------------------------------------------

    def fail(self, why):
        say('FAIL:', why)
        if self.rc is None:
            self.rc = 1
        self.loop.quit()

    def on_error(self, _bus, msg):
        err, dbg = msg.parse_error()
        self.GLib.idle_add(self.fail, f'pipeline error from '
                           f'{msg.src.get_name()}: {err.message} ({dbg})')

    def finish(self, why):
        if self.rc is None:
            say(f'{why}: stopping')
            self.rc = 0
        self.loop.quit()
        return False

    # ---- negotiation ----------------------------------------------------

    def on_negotiation(self, _w):
        # Every transceiver is sendonly: a WHIP publisher sends only.
        i = 0
        while (t := self.w.emit('get-transceiver', i)) is not None:
            t.set_property('direction',
                           self.GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
            i += 1
        if i != 2:
            self.GLib.idle_add(self.fail, f'{i} transceivers, not 2')
            return
        promise = self.Gst.Promise.new_with_change_func(self.on_offer, None)
        self.w.emit('create-offer', None, promise)

    def on_offer(self, promise, _data):
        reply = promise.get_reply()
        offer = reply.get_value('offer') if reply else None
        if not offer:
            self.GLib.idle_add(self.fail, f'create-offer gave no offer '
                               f'({reply.to_string() if reply else None})')
            return
        say('offer made; gathering candidates')
        self.w.emit('set-local-description', offer, None)

    def on_candidate(self, _w, _mline, cand):
        self.cands.append(cand)
        say('candidate', cand)

    def on_gathering(self, _w, _pspec):
        state = self.w.get_property('ice-gathering-state')
        if state == self.GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            self.GLib.idle_add(self.post_offer)

    def post_offer(self):
        if self.http.location:
            return False
        if not self.cands:
            self.fail('ICE gathering completed with no candidate')
            return False
        sdp = with_candidates(
            self.w.get_property('local-description').sdp.as_text(),
            self.cands)
        try:
            answer = self.http.post(sdp)
        except (RuntimeError, OSError) as e:
            self.fail(str(e))
            return False
        say(f'POST {self.opt.url}: 201, session {self.http.location} '
            f'(ETag {self.http.etag})')
        res, msg = self.GstSdp.SDPMessage.new_from_text(answer)
        if res != self.GstSdp.SDPResult.OK:
            self.fail(f'the answer is not SDP ({res})')
            return False
        desc = self.GstWebRTC.WebRTCSessionDescription.new(
            self.GstWebRTC.WebRTCSDPType.ANSWER, msg)
        promise = self.Gst.Promise.new_with_change_func(self.on_answer_set,
                                                        None)
        self.w.emit('set-remote-description', desc, promise)
        return False

    def on_answer_set(self, promise, _data):
        reply = promise.get_reply()
        if reply and reply.has_field('error'):
            self.GLib.idle_add(self.fail, 'set-remote-description: ' +
                               str(reply.get_value('error')))
            return
        say('answer applied')

    # ---- connection -----------------------------------------------------

    def on_state(self, _w, pspec):
        self.GLib.idle_add(self.state_changed, pspec.name)

    def state_changed(self, prop):
        value = self.w.get_property(prop)
        nick = value.value_nick
        say(f'{prop} {nick}')
        if nick == 'failed':
            self.fail(f'{prop} failed (ICE or DTLS)')
        elif (prop == 'connection-state' and nick == 'connected' and
              not self.connected):
            self.connected = True
            say('connected: streaming ' + (f'for {self.opt.seconds} s'
                if self.opt.seconds else 'until SIGINT or SIGTERM'))
            if self.opt.seconds:
                self.GLib.timeout_add_seconds(self.opt.seconds, self.finish,
                                              'time is up')
        elif self.connected and nick == 'closed':
            self.fail(f'{prop} closed while streaming')
        return False

    def handshake_safety(self):
        if not self.connected and self.rc is None:
            self.fail(f'not connected after {SAFETY_S} s')
        return False

    # ---- stats ----------------------------------------------------------

    def sent(self):
        """Packets sent per kind, from webrtcbin's get-stats. Its 1.22
        outbound-rtp entries all say the kind and codec-id of the last
        stream; the codec entries carry the right SSRC, so the kind is
        taken from those (mime-type by SSRC)."""
        promise = self.Gst.Promise.new()
        self.w.emit('get-stats', None, promise)
        promise.wait()
        stats = promise.get_reply()
        mime, sent = {}, {}

        def each(_field, v, _data):
            if not isinstance(v, self.Gst.Structure) or \
                    not v.has_field('ssrc'):
                return True
            if v.get_name() == 'codec' and v.has_field('mime-type'):
                mime[v.get_value('ssrc')] = v.get_value('mime-type')
            elif v.get_name() == 'outbound-rtp' and \
                    v.has_field('packets-sent'):
                sent[v.get_value('ssrc')] = v.get_value('packets-sent')
            return True

        if stats:
            stats.foreach(each, None)
        out = {}
        for ssrc, n in sent.items():
            kind = mime.get(ssrc, 'unknown/').split('/')[0]
            out[kind] = out.get(kind, 0) + n
        return out

    # ---- run ------------------------------------------------------------

    def run(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.GLib.unix_signal_add(self.GLib.PRIORITY_DEFAULT, sig,
                                      self.finish, f'signal {sig}')
        self.GLib.timeout_add_seconds(SAFETY_S, self.handshake_safety)
        if self.pipe.set_state(self.Gst.State.PLAYING) == \
                self.Gst.StateChangeReturn.FAILURE:
            say('FAIL: the pipeline does not start')
            return 1
        say('pipeline playing')
        self.loop.run()
        if self.connected:
            sent = self.sent()
            say('packets sent: ' + ', '.join(f'{k} {v}' for k, v in
                                              sorted(sent.items())))
            for kind in ('audio', 'video'):
                if not sent.get(kind):
                    say(f'FAIL: no {kind} packet sent')
                    self.rc = 1
        if self.http.location:
            try:
                status, body = self.http.delete()
            except OSError as e:
                status, body = 0, str(e)
            say(f'DELETE {self.http.location}: {status} {body}')
            if status != 200:
                say('FAIL: DELETE was not answered 200')
                self.rc = 1
        self.pipe.set_state(self.Gst.State.NULL)
        if not self.connected:
            self.rc = 1
        return self.rc if self.rc is not None else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--url', help='the WHIP endpoint')
    ap.add_argument('--token', default='', help='a bearer token')
    ap.add_argument('--seconds', type=int, default=10,
                    help='how long to stream (0: until SIGINT/SIGTERM)')
    ap.add_argument('--local-ip', default='127.0.0.1',
                    help="address given to libnice ('': its own choice)")
    ap.add_argument('--check', action='store_true',
                    help='only check that gi and the elements are here')
    opt = ap.parse_args()
    mods, why = load_gi()
    if not mods:
        print(f'skip: {why}', flush=True)
        return 77
    if opt.check:
        say('gi, webrtcbin and the codecs are here')
        return 0
    if not opt.url or opt.seconds < 0:
        ap.error('--url is needed, --seconds >= 0')
    try:
        pub = Publisher(mods, opt)
    except (RuntimeError, mods[0].Error) as e:
        say('FAIL:', e)
        return 1
    rc = pub.run()
    say('done' if rc == 0 else f'exit {rc}')
    return rc


if __name__ == '__main__':
    sys.exit(main())
