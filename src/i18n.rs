//! Every user-visible string, in English and Korean, in one table.
//!
//! Components never hold literal text: they ask [`t`] for a [`Text`] in the current [`Lang`].
//! Adding a string means adding a variant and its row in [`t`]; the compiler then refuses any
//! missing translation, because the match must be exhaustive. [`describe`] tells the engine's
//! notable events (elections, truncations, faults) in either language.

use kafkascope_engine::{Action, TraceKind};

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
    Faults,
    FaultsHint,
    CrashAction,
    RestartAction,
    CutAction,
    HealAction,
    Links,
    Events,
    NoEventsYet,
    Lesson,
    LessonBack,
    LessonNext,
    LessonStepOf,
    FreePlay,
    Settings,
    SettingsHint,
    Apply,
    Brokers,
    Partitions,
    AllProducers,
    SettingsRejected,
    TruncatedCell,
    DuplicatesInLog,
    Reordered,
    CommittedThenTruncated,
    Unavailable,
    AnomaliesWhenPaused,
    MoreFaults,
    FaultDirection,
    FaultKind,
    FaultMessageKind,
    FaultMs,
    DoIt,
    CutOneWay,
    HealOneWay,
    DropNextMessage,
    DelayNextMessage,
    SlowFollowerFetches,
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
        Faults => ("Break something", "장애 일으키기"),
        FaultsHint => (
            "Click a broker or a line in the picture, or use these buttons: it happens at the current time, and the engine simulates what follows.",
            "그림에서 브로커나 선을 누르거나 아래 버튼을 쓰세요: 지금 시각에 일어나고, 그 뒤는 엔진이 다시 시뮬레이션합니다.",
        ),
        CrashAction => ("Crash", "다운"),
        RestartAction => ("Restart", "재시작"),
        CutAction => ("Cut", "끊기"),
        HealAction => ("Heal", "잇기"),
        Links => ("Network links", "네트워크 링크"),
        Events => ("What just happened", "방금 일어난 일"),
        NoEventsYet => ("Nothing notable yet.", "아직 눈에 띄는 일은 없습니다."),
        Settings => ("Settings", "설정"),
        SettingsHint => (
            "Change the cluster or the producers and run the scenario again from the start. Kafka's settings keep their real names.",
            "클러스터나 프로듀서를 바꾸고 시나리오를 처음부터 다시 실행합니다. Kafka 설정은 실제 이름 그대로입니다.",
        ),
        Apply => ("Apply and restart", "적용하고 다시 시작"),
        Brokers => ("brokers", "브로커 수"),
        Partitions => ("partitions", "파티션 수"),
        AllProducers => ("(every producer)", "(모든 프로듀서)"),
        SettingsRejected => ("Not applied:", "적용하지 않음:"),
        DuplicatesInLog => ("Duplicates in the log", "로그의 중복"),
        Reordered => ("Out of order", "순서 뒤바뀜"),
        CommittedThenTruncated => ("Committed, then truncated", "커밋 후 잘려 나감"),
        Unavailable => ("Partition time offline", "파티션 오프라인 시간"),
        MoreFaults => ("More faults", "다른 장애"),
        FaultDirection => ("from → to", "보내는 쪽 → 받는 쪽"),
        FaultKind => ("fault", "장애"),
        FaultMessageKind => ("message", "메시지"),
        FaultMs => ("ms", "ms"),
        DoIt => ("Inject now", "지금 일으키기"),
        CutOneWay => ("cut one way", "한 방향만 끊기"),
        HealOneWay => ("heal one way", "한 방향만 잇기"),
        DropNextMessage => ("drop the next message of this kind", "이 종류의 다음 메시지 버리기"),
        DelayNextMessage => ("delay the next message of this kind", "이 종류의 다음 메시지 늦추기"),
        SlowFollowerFetches => (
            "slow the sender's follower fetches (0 ms undoes)",
            "보내는 쪽 브로커의 팔로워 fetch 늦추기 (0 ms면 해제)",
        ),
        AnomaliesWhenPaused => (
            "The checker's counts, computed from the logs when playback is paused",
            "재생을 멈추면 로그에서 계산하는 검사기 수치",
        ),
        TruncatedCell => (
            "truncated: removed by leader-epoch truncation",
            "잘려 나감: 리더 에포크 기준 잘라내기로 삭제됨",
        ),
        Lesson => ("Lesson", "레슨"),
        LessonBack => ("Back", "이전"),
        LessonNext => ("Next", "다음"),
        LessonStepOf => ("Step {i} of {n}", "{n}단계 중 {i}단계"),
        FreePlay => (
            "Free play: crash a broker, cut a link, change the speed or rewind — the engine works out what follows.",
            "자유 실습: 브로커를 죽이거나, 링크를 끊거나, 속도를 바꾸거나, 되감아 보세요 — 그다음은 엔진이 계산합니다.",
        ),
    };
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}

/// A notable trace entry, told in `lang` (None for the routine ones: flights, appends, HW moves).
pub fn describe(lang: Lang, what: &TraceKind) -> Option<String> {
    let ko = lang == Lang::Ko;
    let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    Some(match what {
        TraceKind::Action { action } => describe_action(lang, action),
        TraceKind::BrokerFenced { broker } => {
            if ko {
                format!("컨트롤러가 {broker}를 펜싱함 (broker.session.timeout.ms 동안 하트비트 없음)")
            } else {
                format!("The controller fenced {broker} (no heartbeat for broker.session.timeout.ms)")
            }
        }
        TraceKind::BrokerUnfenced { broker } => {
            if ko {
                format!("{broker}가 다시 하트비트를 보내 펜싱이 풀림")
            } else {
                format!("{broker} heartbeats again and is unfenced")
            }
        }
        TraceKind::LeaderElected {
            partition,
            leader: Some(leader),
            leader_epoch,
            unclean,
            ..
        } => match (ko, unclean) {
            (false, false) => format!(
                "P{}: {leader} elected leader from the ISR (leader epoch {leader_epoch})",
                partition.partition
            ),
            (false, true) => format!(
                "P{}: UNCLEAN election — {leader}, not in the ISR, becomes leader (epoch {leader_epoch}); records only the old ISR had are lost",
                partition.partition
            ),
            (true, false) => format!(
                "P{}: ISR에서 {leader}가 리더로 선출됨 (리더 에포크 {leader_epoch})",
                partition.partition
            ),
            (true, true) => format!(
                "P{}: 언클린 선출 — ISR에 없던 {leader}가 리더가 됨 (에포크 {leader_epoch}); 이전 ISR만 가졌던 레코드는 사라짐",
                partition.partition
            ),
        },
        TraceKind::LeaderElected {
            partition,
            leader: None,
            ..
        } => {
            if ko {
                format!("P{}: 살아 있는 ISR 복제본이 없어 오프라인 (가용성 대신 안전)", partition.partition)
            } else {
                format!(
                    "P{}: offline — no in-sync replica is alive (unavailable rather than unsafe)",
                    partition.partition
                )
            }
        }
        TraceKind::IsrChanged { partition, isr } => {
            if ko {
                format!("P{}: ISR이 {{{}}}로 바뀜", partition.partition, list(isr))
            } else {
                format!("P{}: ISR is now {{{}}}", partition.partition, list(isr))
            }
        }
        TraceKind::Truncated {
            broker,
            partition,
            from_offset,
            records,
        } => {
            if ko {
                format!(
                    "{broker}가 P{}를 오프셋 {from_offset}부터 잘라냄 (리더 에포크 기준): 레코드 {}건 삭제",
                    partition.partition,
                    records.len()
                )
            } else {
                format!(
                    "{broker} truncates P{} from offset {from_offset} (leader-epoch boundary): {} record(s) removed",
                    partition.partition,
                    records.len()
                )
            }
        }
        TraceKind::ProduceFailed {
            producer,
            partition,
            error,
            retrying,
            ..
        } => {
            let error = error.name();
            match (ko, retrying) {
                (false, true) => format!("{producer} → P{}: {error}, retrying", partition.partition),
                (false, false) => format!("{producer} → P{}: {error}, giving up", partition.partition),
                (true, true) => format!("{producer} → P{}: {error}, 재시도", partition.partition),
                (true, false) => format!("{producer} → P{}: {error}, 포기", partition.partition),
            }
        }
        _ => return None,
    })
}

fn describe_action(lang: Lang, action: &Action) -> String {
    let ko = lang == Lang::Ko;
    match action {
        Action::CrashBroker { broker } => {
            if ko {
                format!("{broker} 다운")
            } else {
                format!("{broker} crashes")
            }
        }
        Action::RestartBroker { broker } => {
            if ko {
                format!("{broker} 재시작")
            } else {
                format!("{broker} restarts")
            }
        }
        Action::CutLink { from, to, .. } => {
            if ko {
                format!("{from} ↔ {to} 링크 끊김")
            } else {
                format!("Link {from} ↔ {to} cut")
            }
        }
        Action::HealLink { from, to, .. } => {
            if ko {
                format!("{from} ↔ {to} 링크 복구")
            } else {
                format!("Link {from} ↔ {to} healed")
            }
        }
        Action::DropNext { from, to, kind } => {
            if ko {
                format!("{from} → {to}: 다음 {kind:?} 유실")
            } else {
                format!("{from} → {to}: the next {kind:?} is lost")
            }
        }
        Action::DelayNext {
            from,
            to,
            kind,
            by_ms,
        } => {
            if ko {
                format!("{from} → {to}: 다음 {kind:?} {by_ms} ms 지연")
            } else {
                format!("{from} → {to}: the next {kind:?} is delayed {by_ms} ms")
            }
        }
        Action::SlowFollower { broker, by_ms } => {
            if ko {
                format!("{broker}: 팔로워 fetch마다 {by_ms} ms 대기")
            } else {
                format!("{broker}: waits {by_ms} ms before each follower fetch")
            }
        }
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
