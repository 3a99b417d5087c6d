"""SQLAlchemy models, one module per aggregate. Importing this registers them all."""

from samlast.models.audit import AUDIT_ACTIONS, AUDIT_SOURCES, AuditEntry
from samlast.models.base import Base, TemperatureClass
from samlast.models.booking import Booking, BookingStatus, PickupSlot, SlotKind, SlotTemplate
from samlast.models.cluster import Cluster, Municipality, Terminal
from samlast.models.delivery import (
    DeviationCode,
    DriverEvent,
    EventKind,
    ProofLine,
    ProofOfDelivery,
    ProofPhoto,
    VehiclePosition,
)
from samlast.models.delivery_point import DeliveryPoint, DeliveryPointKind, ReceivingWindow
from samlast.models.followup import FollowupReport
from samlast.models.geocode import GeocodeCache
from samlast.models.goods_in import DespatchAdvice, DespatchLine, GoodsInDeviation, GoodsReceipt, GoodsReceiptLine
from samlast.models.impact import ImpactReport
from samlast.models.import_run import ImportRun
from samlast.models.learning import LearnedParameters
from samlast.models.loading import LoadHandover, LoadScan, PackageUnit, UnitKind
from samlast.models.mail import MAIL_KINDS, MAIL_STATUSES, OutgoingMail
from samlast.models.order import Order, OrderLine, OrderStatus
from samlast.models.peppol import PARTY_KINDS, PartyMapping
from samlast.models.receipt import (
    Deviation,
    DeviationAction,
    DeviationActionKind,
    DeviationStatus,
    PushSubscription,
    ReceiptConfirmation,
    ReceiptLine,
)
from samlast.models.region import RegionRun, RegionSite
from samlast.models.route import (
    FleetAdviceRun,
    JobStatus,
    Plan,
    PlanningJob,
    Route,
    Stop,
    StopKind,
    StopStatus,
)
from samlast.models.rural import (
    HANDOVER_STATUS,
    Consignment,
    ConsignmentHandover,
    ConsignmentKind,
    ConsignmentStatus,
    HandoverKind,
    LockerCompartment,
    SizeClass,
    TrackingSubscription,
)
from samlast.models.stock import (
    StockArticle,
    StockBatch,
    StockIssue,
    StockIssueReason,
    StockMinimum,
    StockRequest,
)
from samlast.models.supplier import ProductArea, Supplier, SupplierKind
from samlast.models.user import AuthToken, LoginCode, Role, User
from samlast.models.vehicle import EnergyType, Vehicle, VehicleCompartment

__all__ = [
    "Consignment",
    "ConsignmentHandover",
    "HANDOVER_STATUS",
    "TrackingSubscription",
    "ConsignmentKind",
    "ConsignmentStatus",
    "HandoverKind",
    "LockerCompartment",
    "SizeClass",
    "AUDIT_ACTIONS",
    "AUDIT_SOURCES",
    "AuditEntry",
    "Booking",
    "BookingStatus",
    "Deviation",
    "DeviationAction",
    "DeviationActionKind",
    "DeviationStatus",
    "PickupSlot",
    "PushSubscription",
    "ReceiptConfirmation",
    "ReceiptLine",
    "SlotKind",
    "SlotTemplate",
    "DeviationCode",
    "DriverEvent",
    "EventKind",
    "ProofLine",
    "ProofOfDelivery",
    "ProofPhoto",
    "VehiclePosition",
    "AuthToken",
    "GoodsInDeviation",
    "GoodsReceipt",
    "GoodsReceiptLine",
    "LoginCode",
    "Base",
    "Cluster",
    "DeliveryPoint",
    "DeliveryPointKind",
    "DespatchAdvice",
    "DespatchLine",
    "EnergyType",
    "FleetAdviceRun",
    "FollowupReport",
    "GeocodeCache",
    "ImpactReport",
    "ImportRun",
    "RegionRun",
    "RegionSite",
    "LearnedParameters",
    "LoadHandover",
    "LoadScan",
    "MAIL_KINDS",
    "MAIL_STATUSES",
    "OutgoingMail",
    "PackageUnit",
    "UnitKind",
    "Municipality",
    "Order",
    "OrderLine",
    "OrderStatus",
    "PARTY_KINDS",
    "PartyMapping",
    "Plan",
    "PlanningJob",
    "JobStatus",
    "Route",
    "Stop",
    "StopKind",
    "StopStatus",
    "ProductArea",
    "ReceivingWindow",
    "Role",
    "StockArticle",
    "StockBatch",
    "StockIssue",
    "StockIssueReason",
    "StockMinimum",
    "StockRequest",
    "Supplier",
    "SupplierKind",
    "TemperatureClass",
    "Terminal",
    "User",
    "Vehicle",
    "VehicleCompartment",
]
