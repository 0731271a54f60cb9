//! Every user-visible string, in English and Korean, in one table.
//!
//! Components never hold literal text: they ask [`t`] for a [`Text`] in the current [`Lang`].
//! Adding a string means adding a variant and its row in [`t`]; the compiler then refuses any
//! missing translation, because the match must be exhaustive.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }
    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag.get(..2)?.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ko,
            Lang::Ko => Lang::En,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    AppTitle,
    Tagline,
    Play,
    Pause,
    Step,
    StepTitle,
    Restart,
    Speed,
    Timeline,
    Clock,
    FastForward,
    LanguageSwitch,
    LanguageSwitchTitle,
    Outcome,
    Produced,
    Acknowledged,
    Consumed,
    CommittedInLog,
    Producer,
    Broker,
    Consumer,
    Group,
    Partition,
    HighWatermark,
    LogEndOffset,
    CommittedOffset,
    Position,
    Leader,
    Legend,
    ProduceRequest,
    ProduceResponse,
    FetchRequest,
    FetchResponse,
    OffsetCommit,
    OtherMessage,
    LostMessage,
    ScenarioErrorTitle,
    ScenarioErrorHint,
    Scenario,
    ScenarioPickerLabel,
    OpenFile,
    OpenFileTitle,
    FromFile,
    ErrorSource,
    Ended,
    PhaseNotStarted,
    PhaseInitializing,
    PhaseFetching,
    PhaseProcessing,
    PhaseCommitting,
    RecordsSent,
    RecordsProcessed,
    Controller,
    ControllerQuorum,
    Follower,
    Offline,
    Crashed,
    Fenced,
    Isr,
    Epoch,
    LostAcknowledged,
    ReplicaFetch,
    ControlTraffic,
    RecordAcked,
    RecordLost,
    RecordInFlight,
    RecordFailed,
}

/// The string for `text` in `lang`.
pub fn t(lang: Lang, text: Text) -> &'static str {
    use Text::*;
    let (en, ko) = match text {
        AppTitle => ("Kafkascope", "Kafkascope"),
        Tagline => (
            "Watch a message travel through Kafka — and see exactly when it is delivered once, lost, or duplicated.",
            "메시지가 Kafka를 지나가는 모습을 보고, 언제 정확히 한 번 전달되고 언제 유실되거나 중복되는지 확인하세요.",
        ),
        Play => ("Play", "재생"),
        Pause => ("Pause", "일시 정지"),
        Step => ("Step", "한 단계"),
        StepTitle => ("Jump to the next event", "다음 이벤트로 이동"),
        Restart => ("Restart", "처음부터"),
        Speed => ("Speed", "속도"),
        Timeline => ("Simulated time", "시뮬레이션 시각"),
        Clock => ("Time", "시각"),
        FastForward => ("fast-forward: nothing in flight", "빨리 감기: 이동 중인 메시지 없음"),
        LanguageSwitch => ("한국어", "English"),
        LanguageSwitchTitle => ("Switch the language to Korean", "언어를 영어로 바꾸기"),
        Outcome => ("Outcome so far", "지금까지의 결과"),
        Produced => ("Produced", "생산됨"),
        Acknowledged => ("Acknowledged", "확인(ack)됨"),
        Consumed => ("Consumed", "소비됨"),
        CommittedInLog => ("Committed in the log", "로그에 커밋됨"),
        Producer => ("Producer", "프로듀서"),
        Broker => ("Broker", "브로커"),
        Consumer => ("Consumer", "컨슈머"),
        Group => ("group", "그룹"),
        Partition => ("partition", "파티션"),
        HighWatermark => ("HW (high watermark)", "HW (하이 워터마크)"),
        LogEndOffset => ("LEO (log end offset)", "LEO (로그 끝 오프셋)"),
        CommittedOffset => ("committed offset", "커밋된 오프셋"),
        Position => ("position", "현재 위치"),
        Leader => ("leader", "리더"),
        Legend => ("Messages", "메시지"),
        ProduceRequest => ("Produce request (records)", "Produce 요청 (레코드)"),
        ProduceResponse => ("Produce response (ack)", "Produce 응답 (ack)"),
        FetchRequest => ("Fetch request", "Fetch 요청"),
        FetchResponse => ("Fetch response (records)", "Fetch 응답 (레코드)"),
        OffsetCommit => ("Offset commit", "오프셋 커밋"),
        OtherMessage => ("Other request", "기타 요청"),
        LostMessage => ("Lost on the network", "네트워크에서 유실"),
        ScenarioErrorTitle => ("This scenario cannot be run", "이 시나리오는 실행할 수 없습니다"),
        ScenarioErrorHint => (
            "Fix the field named below and load it again.",
            "아래에 적힌 필드를 고친 뒤 다시 불러오세요.",
        ),
        Scenario => ("Scenario", "시나리오"),
        ScenarioPickerLabel => ("Scenario", "시나리오"),
        OpenFile => ("Open a scenario file…", "시나리오 파일 열기…"),
        OpenFileTitle => (
            "Play your own scenario file (TOML or JSON, the format in docs/scenario-format.md)",
            "직접 만든 시나리오 파일 재생 (TOML 또는 JSON, 형식은 docs/scenario-format.md)",
        ),
        FromFile => ("file", "파일"),
        ErrorSource => ("Scenario:", "시나리오:"),
        Ended => ("end of run", "실행 종료"),
        PhaseNotStarted => ("not started", "시작 전"),
        PhaseInitializing => ("finding offsets", "오프셋 조회 중"),
        PhaseFetching => ("polling", "폴링 중"),
        PhaseProcessing => ("processing", "처리 중"),
        PhaseCommitting => ("committing", "커밋 중"),
        RecordsSent => ("sent", "보냄"),
        RecordsProcessed => ("processed", "처리함"),
        Controller => ("Controller", "컨트롤러"),
        ControllerQuorum => (
            "KRaft quorum: an odd number of controllers, since Raft needs a majority",
            "KRaft 쿼럼: Raft는 과반수가 필요하므로 컨트롤러 수는 홀수",
        ),
        Follower => ("follower", "팔로워"),
        Offline => ("offline", "오프라인"),
        Crashed => ("crashed", "다운됨"),
        Fenced => ("fenced", "펜싱됨"),
        Isr => ("ISR", "ISR"),
        Epoch => ("epoch", "에포크"),
        LostAcknowledged => ("Acknowledged, then lost", "확인 후 유실"),
        ReplicaFetch => ("Follower fetch (replication)", "팔로워 fetch (복제)"),
        ControlTraffic => ("Heartbeat / metadata", "하트비트 / 메타데이터"),
        RecordAcked => ("acknowledged", "확인됨"),
        RecordLost => ("acknowledged but lost", "확인됐지만 유실됨"),
        RecordInFlight => ("sent, no answer yet", "전송됨, 응답 대기"),
        RecordFailed => ("failed", "실패"),
    };
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_round_trip() {
        for lang in [Lang::En, Lang::Ko] {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
        assert_eq!(Lang::from_tag("ko-KR"), Some(Lang::Ko));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
